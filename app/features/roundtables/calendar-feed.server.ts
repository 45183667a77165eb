import type { Executor } from "../../../db/client.ts";
import { inTransaction } from "../../../db/client.ts";
import { hashToken, newToken } from "../auth/tokens.server.ts";
import { meetingsCalendar, type CalendarEvent } from "./calendar.server.ts";
import { calendarAgendaTitles, meetingsOfNetworks } from "./meetings.server.ts";

/**
 * A user's private calendar subscription: one secret URL giving every meeting
 * of the networks they belong to, for calendar software that cannot sign in.
 * Only the hash of the secret is stored; creating a new one revokes the old.
 */

export interface CalendarFeedStatus {
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function findCalendarFeed(db: Executor, userId: string): Promise<CalendarFeedStatus | undefined> {
  return db.selectFrom("calendarFeeds").select(["createdAt", "lastUsedAt"]).where("userId", "=", userId).executeTakeFirst();
}

/** Returns the new secret: the only moment it exists in clear. */
export async function createCalendarFeed(db: Executor, userId: string): Promise<string> {
  const token = newToken();
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom("calendarFeeds").where("userId", "=", userId).execute();
    await tx.insertInto("calendarFeeds").values({ userId, tokenHash: hashToken(token) }).execute();
  });
  return token;
}

export async function revokeCalendarFeed(db: Executor, userId: string): Promise<boolean> {
  const result = await db.deleteFrom("calendarFeeds").where("userId", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function calendarFeedPath(token: string): string {
  return `/calendrier/${token}.ics`;
}

/**
 * The calendar behind a secret, or null when the secret is unknown, revoked,
 * or its owner's account is deactivated. Meetings follow the owner's current
 * memberships: leaving a network removes its meetings at the next refresh.
 */
export async function calendarForFeedToken(db: Executor, token: string, baseUrl: string, now = new Date()): Promise<string | null> {
  const owner = await db
    .selectFrom("calendarFeeds")
    .innerJoin("users", "users.id", "calendarFeeds.userId")
    .where("calendarFeeds.tokenHash", "=", hashToken(token))
    .where("users.deactivatedAt", "is", null)
    .select(["users.id as userId", "users.name"])
    .executeTakeFirst();
  if (!owner) return null;
  await db.updateTable("calendarFeeds").set({ lastUsedAt: now }).where("userId", "=", owner.userId).execute();

  const networkIds = (
    await db
      .selectFrom("memberships")
      .innerJoin("organisations", "organisations.id", "memberships.organisationId")
      .where("memberships.userId", "=", owner.userId)
      .where("memberships.deactivatedAt", "is", null)
      .select("organisations.networkId")
      .distinct()
      .execute()
  ).map((row) => row.networkId);
  const meetings = await meetingsOfNetworks(db, networkIds);
  const agendas = await calendarAgendaTitles(
    db,
    meetings.map(({ meeting }) => meeting.id),
  );
  const events: CalendarEvent[] = meetings.map(({ meeting, networkName, networkSlug }) => ({
    networkName,
    meeting,
    agenda: agendas.get(meeting.id) ?? [],
    url: `${baseUrl}/reseaux/${networkSlug}/tables-rondes/${meeting.id}`,
  }));
  return meetingsCalendar({ name: `Tables rondes — ${owner.name}`, events, now });
}
