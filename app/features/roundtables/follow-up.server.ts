import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import type { FollowUpStatus } from "../../../db/schema.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { findOrganisationInNetwork } from "../network/organisations.server.ts";
import { localDate } from "./rotation.ts";
import type { MeetingRecord } from "./meetings.server.ts";

/** Follow-up actions: decided at one meeting, reported on until done, shown at the meetings after it. */

function actionsQuery(db: Executor) {
  return db
    .selectFrom("followUpActions")
    .innerJoin("organisations", "organisations.id", "followUpActions.ownerOrganisationId")
    .innerJoin("meetings", "meetings.id", "followUpActions.meetingId")
    .select([
      "followUpActions.id",
      "followUpActions.title",
      "followUpActions.ownerOrganisationId",
      "organisations.name as ownerName",
      sql<string>`follow_up_actions.due_on::text`.as("dueOn"),
      "followUpActions.status",
      "meetings.startsAt as decidedAt",
    ])
    .orderBy("followUpActions.dueOn")
    .orderBy("followUpActions.title");
}

/** The actions decided at this meeting, and the still open ones decided at the network's earlier meetings. */
export async function followUpForMeeting(db: Executor, meeting: MeetingRecord) {
  const decided = await actionsQuery(db).where("followUpActions.meetingId", "=", meeting.id).execute();
  const carried = await actionsQuery(db)
    .where("meetings.networkId", "=", meeting.networkId)
    .where("meetings.startsAt", "<", meeting.startsAt)
    .where("followUpActions.status", "=", "open")
    .execute();
  return { decided, carried };
}

export type FollowUpResult = { ok: true } | { ok: false; message: string; field?: "title" | "ownerOrganisationId" | "dueOn" };

export async function addFollowUpAction(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; timeZone: string; title: string; ownerOrganisationId: string; dueOn: string },
): Promise<FollowUpResult> {
  const { actor, meeting } = input;
  authorize(actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  const owner = await findOrganisationInNetwork(db, meeting.networkId, input.ownerOrganisationId);
  if (!owner) return { ok: false, field: "ownerOrganisationId", message: "Ce CCAS ne fait pas partie du réseau." };
  if (input.dueOn < localDate(meeting.startsAt, input.timeZone)) {
    return { ok: false, field: "dueOn", message: "L'échéance ne peut pas précéder la table ronde où l'action est décidée." };
  }
  await db
    .insertInto("followUpActions")
    .values({ meetingId: meeting.id, title: input.title, ownerOrganisationId: owner.id, dueOn: input.dueOn, createdBy: actor.userId })
    .execute();
  return { ok: true };
}

export async function setFollowUpStatus(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; actionId: string; status: FollowUpStatus },
): Promise<FollowUpResult> {
  const { actor, meeting } = input;
  // Any action of the network, from this page: the ones decided here and the open ones carried from before.
  const action = await db
    .selectFrom("followUpActions")
    .innerJoin("meetings", "meetings.id", "followUpActions.meetingId")
    .where("followUpActions.id", "=", input.actionId)
    .where("meetings.networkId", "=", meeting.networkId)
    .select(["followUpActions.id", "followUpActions.ownerOrganisationId", "meetings.hostOrganisationId"])
    .executeTakeFirst();
  if (!action) return { ok: false, message: "Cette action n'existe plus." };
  authorize(actor, {
    action: "followUp.updateStatus",
    networkId: meeting.networkId,
    hostOrganisationId: action.hostOrganisationId,
    ownerOrganisationId: action.ownerOrganisationId,
  });
  await db.updateTable("followUpActions").set({ status: input.status, updatedAt: new Date() }).where("id", "=", action.id).execute();
  return { ok: true };
}

/** A CCAS's round tables as seen from its directory page: the meetings it hosted and the actions it still owes. */
export async function organisationRoundTables(db: Executor, organisationId: string) {
  const hosted = await db
    .selectFrom("meetings")
    .where("hostOrganisationId", "=", organisationId)
    .select(["id", "startsAt", "hostTheme"])
    .orderBy("startsAt", "desc")
    .execute();
  const openActions = await actionsQuery(db)
    .where("followUpActions.ownerOrganisationId", "=", organisationId)
    .where("followUpActions.status", "=", "open")
    .select("followUpActions.meetingId")
    .execute();
  return { hosted, openActions };
}
