import { createCookie, type Cookie } from "@remix-run/node";
import type { Executor } from "../../../db/client.ts";
import { hashToken, newToken } from "./tokens.server.ts";

export const SESSION_DAYS = 30;
const SESSION_MS = SESSION_DAYS * 24 * 3600 * 1000;
/** Extend a session at most once an hour, not on every request. */
const REFRESH_AFTER_MS = 3600 * 1000;

export interface SessionContext {
  userId: string;
  idHash: string;
}

export function sessionCookie(secret: string): Cookie {
  return createCookie("tablee_session", {
    secrets: [secret],
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: SESSION_DAYS * 24 * 3600,
  });
}

export async function createSession(
  db: Executor,
  input: { userId: string; ip: string | null; userAgent: string | null },
  now = new Date(),
): Promise<{ token: string; idHash: string }> {
  const token = newToken();
  const idHash = hashToken(token);
  await db
    .insertInto("sessions")
    .values({
      idHash,
      userId: input.userId,
      expiresAt: new Date(now.getTime() + SESSION_MS),
      lastSeenAt: now,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, idHash };
}

export interface ResolvedSession extends SessionContext {
  /** True when the expiry moved forward and the cookie must be sent again. */
  refreshed: boolean;
}

/** Finds the live session behind a cookie token, sliding its expiry forward. */
export async function resolveSession(db: Executor, token: string, now = new Date()): Promise<ResolvedSession | null> {
  const idHash = hashToken(token);
  const session = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.userId")
    .where("sessions.idHash", "=", idHash)
    .where("sessions.expiresAt", ">", now)
    .where("users.deactivatedAt", "is", null)
    .select(["sessions.userId", "sessions.lastSeenAt"])
    .executeTakeFirst();
  if (!session) return null;
  const refreshed = now.getTime() - session.lastSeenAt.getTime() > REFRESH_AFTER_MS;
  if (refreshed) {
    await db
      .updateTable("sessions")
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_MS) })
      .where("idHash", "=", idHash)
      .execute();
  }
  return { userId: session.userId, idHash, refreshed };
}

export async function revokeSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("idHash", "=", idHash).execute();
}

export async function revokeAllSessions(db: Executor, userId: string): Promise<number> {
  const result = await db.deleteFrom("sessions").where("userId", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function purgeExpiredSessions(db: Executor, now = new Date()): Promise<void> {
  await db.deleteFrom("sessions").where("expiresAt", "<=", now).execute();
}
