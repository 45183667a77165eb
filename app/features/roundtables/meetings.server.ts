import { DateTime } from "luxon";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { MeetingStatus, Network } from "../../../db/schema.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { formatDate, TIME_ZONE } from "../../i18n/format.ts";
import { createDocument } from "../documents/documents.server.ts";
import { createRevision } from "../documents/persistence.server.ts";
import { findOrganisationInNetwork, listOrganisationNames } from "../network/organisations.server.ts";
import { allowedStatusChanges, meetingStatusLabels, welcomeItemTitle } from "./agenda.ts";
import { carryOverDeferredItems } from "./agenda.server.ts";
import { queueConvocation } from "./convocation.server.ts";
import { loadRotationInputs, networkPlan } from "./rotation.server.ts";

/** Meetings of a network: listing, creation from the rotation plan, details and status. */

export interface MeetingRecord {
  id: string;
  networkId: string;
  hostOrganisationId: string;
  hostName: string;
  hostCommune: string;
  startsAt: Date;
  durationMinutes: number;
  place: string | null;
  accessDetails: string | null;
  hostTheme: string | null;
  status: MeetingStatus;
  proposedHostOrganisationId: string | null;
  proposedHostName: string | null;
  overrideReason: string | null;
  version: number;
  minutesDocumentId: string | null;
}

function meetingsQuery(db: Executor) {
  return db
    .selectFrom("meetings")
    .innerJoin("organisations as host", "host.id", "meetings.hostOrganisationId")
    .leftJoin("organisations as proposed", "proposed.id", "meetings.proposedHostOrganisationId")
    .select([
      "meetings.id",
      "meetings.networkId",
      "meetings.hostOrganisationId",
      "host.name as hostName",
      "host.communeName as hostCommune",
      "meetings.startsAt",
      "meetings.durationMinutes",
      "meetings.place",
      "meetings.accessDetails",
      "meetings.hostTheme",
      "meetings.status",
      "meetings.proposedHostOrganisationId",
      "proposed.name as proposedHostName",
      "meetings.overrideReason",
      "meetings.version",
      "meetings.minutesDocumentId",
    ]);
}

/** A meeting of this network; one of another network is as absent as one that does not exist. */
export async function findMeetingInNetwork(db: Executor, networkId: string, meetingId: string): Promise<MeetingRecord | undefined> {
  return meetingsQuery(db).where("meetings.networkId", "=", networkId).where("meetings.id", "=", meetingId).executeTakeFirst();
}

export async function findMeeting(db: Executor, meetingId: string): Promise<MeetingRecord | undefined> {
  return meetingsQuery(db).where("meetings.id", "=", meetingId).executeTakeFirst();
}

/** Every meeting of these networks, with the network's name and slug, for a user's calendar subscription. */
export async function meetingsOfNetworks(db: Executor, networkIds: string[]) {
  if (networkIds.length === 0) return [];
  const meetings = await meetingsQuery(db).where("meetings.networkId", "in", networkIds).orderBy("meetings.startsAt").execute();
  const networks = new Map(
    (await db.selectFrom("networks").select(["id", "name", "slug"]).where("id", "in", networkIds).execute()).map((network) => [
      network.id,
      network,
    ]),
  );
  return meetings.map((meeting) => ({
    meeting,
    networkName: networks.get(meeting.networkId)!.name,
    networkSlug: networks.get(meeting.networkId)!.slug,
  }));
}

/** The agenda a calendar event lists: items still on it (proposed or accepted), in order. */
export async function calendarAgendaTitles(db: Executor, meetingIds: string[]): Promise<Map<string, string[]>> {
  const titles = new Map<string, string[]>();
  if (meetingIds.length === 0) return titles;
  const rows = await db
    .selectFrom("agendaItems")
    .select(["meetingId", "title"])
    .where("meetingId", "in", meetingIds)
    .where("status", "in", ["proposed", "accepted"])
    .orderBy("meetingId")
    .orderBy("position")
    .execute();
  for (const row of rows) titles.set(row.meetingId, [...(titles.get(row.meetingId) ?? []), row.title]);
  return titles;
}

/** Coming meetings (soonest first) and past ones (latest first). */
export async function listMeetings(db: Executor, networkId: string, now = new Date()) {
  const all = await meetingsQuery(db).where("meetings.networkId", "=", networkId).orderBy("meetings.startsAt").execute();
  const startOfToday = DateTime.fromJSDate(now, { zone: TIME_ZONE }).startOf("day").toJSDate();
  return {
    coming: all.filter((meeting) => meeting.startsAt >= startOfToday),
    past: all.filter((meeting) => meeting.startsAt < startOfToday).reverse(),
  };
}

/** The next cycle as the rotation proposes it, with CCAS names. */
export async function rotationPlanForNetwork(db: Executor, network: Network, now = new Date()) {
  const inputs = await loadRotationInputs(db, network.id);
  return networkPlan(network, inputs, now).map((meeting) => ({
    startsAt: meeting.startsAt,
    hostOrganisationId: meeting.proposal.organisationId,
    hostName: meeting.proposal.organisationId ? (inputs.names.get(meeting.proposal.organisationId) ?? null) : null,
    skipped: meeting.proposal.skipped.map((skip) => ({ ...skip, name: inputs.names.get(skip.organisationId) ?? "" })),
  }));
}

export type CreateMeetingResult =
  | { ok: true; meetingId: string; alreadyCreated: boolean }
  | { ok: false; message: string; field?: "hostOrganisationId" | "overrideReason" };

const DEFAULT_DURATION_MINUTES = 180;
const WELCOME_MINUTES = 15;

/**
 * Creates the first meeting of the plan in one step, hosted by the proposed
 * CCAS or, when the coordinator overrides the rotation, by another one with
 * the reason kept. The network row is locked so that two coordinators
 * clicking at once make one meeting: the second finds the first's.
 */
export async function createMeetingFromPlan(
  db: Executor,
  input: { actor: Actor; network: Network; startsAt: Date; hostOrganisationId: string; overrideReason: string | null },
  now = new Date(),
): Promise<CreateMeetingResult> {
  authorize(input.actor, { action: "roundtable.plan", networkId: input.network.id });
  return inTransaction(db, async (tx) => {
    await tx.selectFrom("networks").select("id").where("id", "=", input.network.id).forUpdate().execute();
    const existing = await tx
      .selectFrom("meetings")
      .select("id")
      .where("networkId", "=", input.network.id)
      .where("startsAt", "=", input.startsAt)
      .executeTakeFirst();
    if (existing) return { ok: true, meetingId: existing.id, alreadyCreated: true };
    const [slot] = await rotationPlanForNetwork(tx, input.network, now);
    if (!slot || slot.startsAt.getTime() !== input.startsAt.getTime()) {
      return { ok: false, message: "Le planning a changé entre-temps : voici le planning à jour." };
    }
    const host = await findOrganisationInNetwork(tx, input.network.id, input.hostOrganisationId);
    if (!host) return { ok: false, field: "hostOrganisationId", message: "Ce CCAS ne fait pas partie du réseau." };
    const overridden = host.id !== slot.hostOrganisationId;
    if (overridden && !input.overrideReason) {
      return {
        ok: false,
        field: "overrideReason",
        message: `Indiquez pourquoi ${host.name} accueille à la place ${slot.hostName ? `du CCAS proposé (${slot.hostName})` : "de la rotation"}.`,
      };
    }
    const meeting = await tx
      .insertInto("meetings")
      .values({
        networkId: input.network.id,
        hostOrganisationId: host.id,
        startsAt: input.startsAt,
        durationMinutes: DEFAULT_DURATION_MINUTES,
        place: host.address ?? `${host.name}, ${host.communeName}`,
        proposedHostOrganisationId: overridden ? slot.hostOrganisationId : null,
        overrideReason: overridden ? input.overrideReason : null,
        createdBy: input.actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("agendaItems")
      .values({
        meetingId: meeting.id,
        position: 1,
        title: welcomeItemTitle(host.communeName),
        kind: "information",
        estimatedMinutes: WELCOME_MINUTES,
        proposingOrganisationId: host.id,
        status: "accepted",
      })
      .execute();
    await carryOverDeferredItems(tx, input.network.id);
    await recordAudit(tx, {
      action: "meeting_created",
      actorUserId: input.actor.userId,
      networkId: input.network.id,
      organisationId: host.id,
      detail: {
        summary: `Table ronde du ${formatDate(input.startsAt)} chez ${host.name}${overridden ? ` à la place de ${slot.hostName ?? "la rotation"} : ${input.overrideReason}` : ""}`,
      },
    });
    return { ok: true, meetingId: meeting.id, alreadyCreated: false };
  });
}

export type MeetingChangeResult =
  | { ok: true }
  | { ok: false; message: string; field?: string; current?: MeetingRecord };

/**
 * Moves the meeting one step. Closing the agenda queues the convocation
 * (`convene` says for which network and links) in the same transaction: the
 * status changes with its convocations or not at all, and a second click
 * finds the status changed. Nothing is sent during the request.
 */
export async function changeMeetingStatus(
  db: Executor,
  input: {
    actor: Actor;
    meeting: MeetingRecord;
    status: MeetingStatus;
    convene: { network: { name: string; slug: string; timeZone: string }; baseUrl: string };
  },
): Promise<MeetingChangeResult & { convened?: number }> {
  authorize(input.actor, { action: "meeting.manage", networkId: input.meeting.networkId, hostOrganisationId: input.meeting.hostOrganisationId });
  if (!allowedStatusChanges(input.meeting.status).includes(input.status)) {
    return { ok: false, message: `Cette table ronde est « ${meetingStatusLabels[input.meeting.status]} » : ce changement n'est pas possible.` };
  }
  // The current status is the condition: two clicks at once move the meeting one step, not two.
  const changed = await inTransaction(db, async (tx): Promise<false | { convened?: number }> => {
    const updated = await tx
      .updateTable("meetings")
      .set((eb) => ({ status: input.status, version: eb("version", "+", 1), updatedAt: new Date() }))
      .where("id", "=", input.meeting.id)
      .where("status", "=", input.meeting.status)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    if (input.status === "minutes_published" && input.meeting.minutesDocumentId) {
      // A meaningful moment in the minutes' history: the version everyone was sent.
      await createRevision(tx, input.meeting.minutesDocumentId, { label: "Compte rendu publié", reason: "event", userId: input.actor.userId });
    }
    await recordAudit(tx, {
      action: "meeting_status_changed",
      actorUserId: input.actor.userId,
      networkId: input.meeting.networkId,
      organisationId: input.meeting.hostOrganisationId,
      detail: {
        summary: `Table ronde du ${formatDate(input.meeting.startsAt)} : ${meetingStatusLabels[input.meeting.status]} → ${meetingStatusLabels[input.status]}`,
      },
    });
    if (input.status !== "agenda_closed") return {};
    const convened = await queueConvocation(tx, {
      meeting: input.meeting,
      network: input.convene.network,
      baseUrl: input.convene.baseUrl,
      userId: input.actor.userId,
    });
    return { convened };
  });
  if (!changed) return { ok: false, message: "Le statut a changé entre-temps : la page est à jour." };
  return { ok: true, ...changed };
}

export interface MeetingDetailsInput {
  date: string;
  time: string;
  durationMinutes: number;
  place: string | null;
  accessDetails: string | null;
  hostTheme: string | null;
  version: number;
}

/** Date, place and theme; a stale form (someone saved in between) is refused with the fresh values. */
export async function updateMeetingDetails(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; timeZone: string; details: MeetingDetailsInput },
  now = new Date(),
): Promise<MeetingChangeResult> {
  const { meeting, details } = input;
  authorize(input.actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  const startsAt = DateTime.fromISO(`${details.date}T${details.time}`, { zone: input.timeZone });
  if (!startsAt.isValid) return { ok: false, field: "date", message: "Cette date n'existe pas." };
  const moved = startsAt.toMillis() !== meeting.startsAt.getTime();
  if (moved && startsAt.toJSDate() <= now) return { ok: false, field: "date", message: "La table ronde ne peut pas être déplacée dans le passé." };
  try {
    const updated = await db
      .updateTable("meetings")
      .set((eb) => ({
        startsAt: startsAt.toJSDate(),
        durationMinutes: details.durationMinutes,
        place: details.place,
        accessDetails: details.accessDetails,
        hostTheme: details.hostTheme,
        version: eb("version", "+", 1),
        updatedAt: new Date(),
      }))
      .where("id", "=", meeting.id)
      .where("version", "=", details.version)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      return {
        ok: false,
        message: "Quelqu'un a modifié cette table ronde pendant que vous la modifiiez : voici les informations à jour. Vos changements n'ont pas été enregistrés.",
        current: await findMeeting(db, meeting.id),
      };
    }
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      return { ok: false, field: "date", message: "Une autre table ronde du réseau commence déjà à cette heure-là." };
    }
    throw error;
  }
  await recordAudit(db, {
    action: "meeting_updated",
    actorUserId: input.actor.userId,
    networkId: meeting.networkId,
    organisationId: meeting.hostOrganisationId,
    detail: { summary: `Table ronde du ${formatDate(startsAt.toJSDate())}${moved ? ` (avant : ${formatDate(meeting.startsAt)})` : ""}` },
  });
  return { ok: true };
}

/**
 * The meeting's minutes document, created on first use by the host or a
 * coordinator; every member of the network then co-edits it live. The
 * meeting row is locked so that two people starting at once share one text.
 */
export async function openMinutes(db: Executor, input: { actor: Actor; meeting: MeetingRecord }): Promise<string> {
  const { actor, meeting } = input;
  authorize(actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  return inTransaction(db, async (tx) => {
    const row = await tx.selectFrom("meetings").select("minutesDocumentId").where("id", "=", meeting.id).forUpdate().executeTakeFirstOrThrow();
    if (row.minutesDocumentId) return row.minutesDocumentId;
    const document = await createDocument(tx, {
      networkId: meeting.networkId,
      kind: "minutes",
      title: `Compte rendu de la table ronde du ${formatDate(meeting.startsAt)} à ${meeting.hostCommune}`,
      ownerOrganisationId: meeting.hostOrganisationId,
      createdBy: actor.userId,
    });
    await tx.updateTable("meetings").set({ minutesDocumentId: document.id, updatedAt: new Date() }).where("id", "=", meeting.id).execute();
    return document.id;
  });
}

/** Every member CCAS of the network, for the pages' choices (host, owner of an action). */
export async function organisationOptions(db: Executor, networkId: string) {
  const rows = await listOrganisationNames(db, networkId);
  return rows.map((row) => ({ value: row.id, label: row.name }));
}
