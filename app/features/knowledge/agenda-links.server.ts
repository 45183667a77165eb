import { inTransaction, type Executor } from "../../../db/client.ts";
import type { AgendaItemKind } from "../../../db/schema.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { proposeItem } from "../roundtables/agenda.server.ts";

import { findMeeting, type MeetingRecord } from "../roundtables/meetings.server.ts";
import { getKnowledge } from "./read.server.ts";

/** Links between the knowledge base and round-table agendas, both ways. */

/** The next round table of the network that still takes proposals, if any. */
export async function nextMeetingTakingProposals(db: Executor, networkId: string, now = new Date()): Promise<MeetingRecord | undefined> {
  const next = await db
    .selectFrom("meetings")
    .select("id")
    .where("networkId", "=", networkId)
    .where("status", "in", ["planned", "agenda_open"])
    .where("startsAt", ">", now)
    .orderBy("startsAt")
    .limit(1)
    .executeTakeFirst();
  return next ? findMeeting(db, next.id) : undefined;
}

export const noNextMeetingMessage =
  "Aucune table ronde à venir n'accepte de proposition pour l'instant : la coordination doit d'abord en planifier une (ou rouvrir son ordre du jour).";

export type ProposeFromKnowledgeResult =
  | { ok: true; meetingId: string; itemId: string }
  | { ok: false; message: string; field?: string };

/** "Proposer à l'ordre du jour": an item on the next round table, linked back to the page or note. */
export async function proposeKnowledgeToAgenda(
  db: Executor,
  input: {
    actor: Actor;
    documentId: string;
    item: { kind: AgendaItemKind; estimatedMinutes: number; description?: string | null };
    now?: Date;
  },
): Promise<ProposeFromKnowledgeResult> {
  const document = await getKnowledge(db, input.actor, input.documentId);
  const meeting = await nextMeetingTakingProposals(db, document.networkId, input.now);
  if (!meeting) return { ok: false, message: noNextMeetingMessage };
  const origin = document.kind === "wiki" ? "la veille réglementaire" : `la fiche pratique de ${document.organisationName ?? "un CCAS"}`;
  return inTransaction(db, async (tx) => {
    const outcome = await proposeItem(tx, {
      actor: input.actor,
      meeting,
      item: {
        title: document.title.slice(0, 160),
        description: input.item.description || `Proposé depuis ${origin} : « ${document.title} ».`,
        kind: input.item.kind,
        estimatedMinutes: input.item.estimatedMinutes,
      },
    });
    if (!outcome.ok || !outcome.itemId) return { ok: false as const, message: outcome.ok ? "Proposition impossible." : outcome.message };
    await tx.insertInto("agendaItemDocuments").values({ agendaItemId: outcome.itemId, documentId: document.id }).execute();
    return { ok: true as const, meetingId: meeting.id, itemId: outcome.itemId };
  });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A proposal from the meeting page, linked in the same transaction to the pages and notes its author chose. */
export async function proposeItemLinkingDocuments(db: Executor, input: Parameters<typeof proposeItem>[1] & { documentIds: string[] }) {
  const documentIds = input.documentIds.filter((id) => uuidPattern.test(id)).slice(0, 50);
  return inTransaction(db, async (tx) => {
    const outcome = await proposeItem(tx, input);
    if (outcome.ok && outcome.itemId) await linkItemToDocuments(tx, input.actor, input.meeting.networkId, outcome.itemId, documentIds);
    return outcome;
  });
}

/**
 * Links a proposal made on the meeting page to documents the proposer can read;
 * identifiers of anything else are ignored, so a link never reveals a draft.
 */
export async function linkItemToDocuments(db: Executor, actor: Actor, networkId: string, itemId: string, documentIds: string[]): Promise<void> {
  if (documentIds.length === 0) return;
  const documents = await db
    .selectFrom("documents")
    .select(["id", "networkId", "kind", "ownerOrganisationId", "visibility"])
    .where("id", "in", documentIds)
    .where("networkId", "=", networkId)
    .where("kind", "in", ["wiki", "practice"])
    .execute();
  const readable = documents.filter((document) => can(actor, { action: "document.read", ...document }));
  if (readable.length === 0) return;
  await db
    .insertInto("agendaItemDocuments")
    .values(readable.map((document) => ({ agendaItemId: itemId, documentId: document.id })))
    .onConflict((oc) => oc.columns(["agendaItemId", "documentId"]).doNothing())
    .execute();
}

export interface LinkedDocument {
  agendaItemId: string;
  documentId: string;
  kind: "wiki" | "practice";
  title: string;
}

/** The documents linked from a meeting's items that this actor may read (an unreadable draft is not even named). */
export async function linkedDocumentsOfMeeting(db: Executor, actor: Actor, meetingId: string): Promise<LinkedDocument[]> {
  const rows = await db
    .selectFrom("agendaItemDocuments")
    .innerJoin("agendaItems", "agendaItems.id", "agendaItemDocuments.agendaItemId")
    .innerJoin("documents", "documents.id", "agendaItemDocuments.documentId")
    .select([
      "agendaItemDocuments.agendaItemId",
      "documents.id as documentId",
      "documents.kind",
      "documents.title",
      "documents.networkId",
      "documents.ownerOrganisationId",
      "documents.visibility",
    ])
    .where("agendaItems.meetingId", "=", meetingId)
    .orderBy("documents.title")
    .execute();
  return rows
    .filter((row) => can(actor, { action: "document.read", ...row }))
    .map((row) => ({ agendaItemId: row.agendaItemId, documentId: row.documentId, kind: row.kind as "wiki" | "practice", title: row.title }));
}

/** The round tables where a page or note was put on the agenda, latest first. */
export async function meetingsDiscussing(db: Executor, documentId: string) {
  return db
    .selectFrom("agendaItemDocuments")
    .innerJoin("agendaItems", "agendaItems.id", "agendaItemDocuments.agendaItemId")
    .innerJoin("meetings", "meetings.id", "agendaItems.meetingId")
    .innerJoin("organisations", "organisations.id", "meetings.hostOrganisationId")
    .select(["meetings.id as meetingId", "meetings.startsAt", "organisations.communeName as hostCommune", "agendaItems.title as itemTitle", "agendaItems.status"])
    .where("agendaItemDocuments.documentId", "=", documentId)
    .orderBy("meetings.startsAt", "desc")
    .execute();
}

/** Readable knowledge documents the proposal form offers to link. */
export async function linkableDocuments(db: Executor, actor: Actor, networkId: string) {
  const ownOrganisations = actor.memberships.map((membership) => membership.organisationId);
  return db
    .selectFrom("documents")
    .select(["id", "kind", "title"])
    .where("networkId", "=", networkId)
    .where("kind", "in", ["wiki", "practice"])
    .where((eb) => eb.or([eb("visibility", "=", "network"), ...(ownOrganisations.length ? [eb("ownerOrganisationId", "in", ownOrganisations)] : [])]))
    .orderBy("kind", "desc")
    .orderBy("title")
    .limit(300)
    .execute();
}

