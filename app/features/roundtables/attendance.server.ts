import type { Executor } from "../../../db/client.ts";
import type { AttendeeFunction } from "../../../db/schema.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { findOrganisationInNetwork } from "../network/organisations.server.ts";
import { formatDateTime } from "../../i18n/format.ts";
import { registrationDeadline } from "./agenda.ts";
import type { MeetingRecord } from "./meetings.server.ts";

/** Who each CCAS sends to a meeting, and, afterwards, who came. */

export async function listAttendance(db: Executor, meetingId: string) {
  return db
    .selectFrom("attendance")
    .innerJoin("organisations", "organisations.id", "attendance.organisationId")
    .where("attendance.meetingId", "=", meetingId)
    .select([
      "attendance.id",
      "attendance.organisationId",
      "organisations.name as organisationName",
      "attendance.name",
      "attendance.function",
      "attendance.accessibilityNeeds",
      "attendance.attended",
    ])
    .orderBy("organisations.communeName")
    .orderBy("attendance.name")
    .execute();
}

export type AttendanceResult = { ok: true } | { ok: false; message: string; field?: string };

function closedMessage(meeting: MeetingRecord): string {
  return `Les inscriptions sont closes depuis le ${formatDateTime(registrationDeadline(meeting.startsAt))} : contactez le CCAS d'accueil.`;
}

export async function registerAttendee(
  db: Executor,
  input: {
    actor: Actor;
    meeting: MeetingRecord;
    organisationId: string;
    name: string;
    function: AttendeeFunction;
    accessibilityNeeds: string | null;
  },
  now = new Date(),
): Promise<AttendanceResult> {
  const { actor, meeting } = input;
  const organisation = await findOrganisationInNetwork(db, meeting.networkId, input.organisationId);
  if (!organisation) return { ok: false, field: "organisationId", message: "Ce CCAS ne fait pas partie du réseau." };
  authorize(actor, { action: "attendance.register", networkId: meeting.networkId, organisationId: organisation.id });
  if (now >= registrationDeadline(meeting.startsAt)) return { ok: false, message: closedMessage(meeting) };
  await db
    .insertInto("attendance")
    .values({
      meetingId: meeting.id,
      organisationId: organisation.id,
      name: input.name,
      function: input.function,
      accessibilityNeeds: input.accessibilityNeeds,
      registeredBy: actor.userId,
    })
    .execute();
  return { ok: true };
}

async function findAttendee(db: Executor, meetingId: string, attendeeId: string) {
  return db.selectFrom("attendance").selectAll().where("meetingId", "=", meetingId).where("id", "=", attendeeId).executeTakeFirst();
}

export async function removeAttendee(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; attendeeId: string },
  now = new Date(),
): Promise<AttendanceResult> {
  const attendee = await findAttendee(db, input.meeting.id, input.attendeeId);
  if (!attendee) return { ok: false, message: "Cette inscription n'existe plus." };
  authorize(input.actor, { action: "attendance.register", networkId: input.meeting.networkId, organisationId: attendee.organisationId });
  if (now >= registrationDeadline(input.meeting.startsAt)) return { ok: false, message: closedMessage(input.meeting) };
  await db.deleteFrom("attendance").where("id", "=", attendee.id).execute();
  return { ok: true };
}

/** After the meeting, the host (or a coordinator) records who actually came. */
export async function recordPresence(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; attendeeId: string; attended: boolean },
  now = new Date(),
): Promise<AttendanceResult> {
  const { meeting } = input;
  authorize(input.actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  if (now < meeting.startsAt) return { ok: false, message: "Les présences se notent une fois la table ronde commencée." };
  const updated = await db
    .updateTable("attendance")
    .set({ attended: input.attended })
    .where("meetingId", "=", meeting.id)
    .where("id", "=", input.attendeeId)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n ? { ok: true } : { ok: false, message: "Cette inscription n'existe plus." };
}
