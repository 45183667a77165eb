import { sql } from "kysely";
import { DateTime } from "luxon";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { Realtime } from "../../../realtime/server.ts";
import { authorize, notFound } from "../auth/guards.server.ts";
import { can, type Actor, type DocumentFacts } from "../auth/permissions.ts";
import { contentToDocumentJson, documentJsonToYState } from "../documents/convert.server.ts";
import { MAX_DOCUMENT_BYTES } from "../documents/limits.ts";
import { appendUpdate, compactDocument } from "../documents/persistence.server.ts";
import { KnowledgeInputError, parseOrThrow } from "./input.ts";
import { changeOwner } from "./owners.server.ts";
import { checkSection, fileInSection, nextPagePosition } from "./sections.server.ts";
import {
  practiceNoteSchema,
  practiceNoteUpdateSchema,
  watchPageSchema,
  watchPageUpdateSchema,
  type PracticeNoteInput,
  type PracticeNoteUpdate,
  type WatchPageInput,
  type WatchPageUpdate,
} from "./schemas.ts";

/**
 * Creating and updating watch pages (kind 'wiki') and practice notes (kind
 * 'practice'). Every caller (pages, import, JSON API) goes through these
 * functions: they validate, check permissions and write in one transaction.
 */

export { KnowledgeInputError, parseOrThrow };

/** The part of the realtime layer that changes a document everyone may have open. */
export type ContentReplacer = Pick<Realtime, "registry" | "broadcastUpdate">;

async function networkTimeZone(db: Executor, networkId: string): Promise<string> {
  const row = await db.selectFrom("networks").select("timeZone").where("id", "=", networkId).executeTakeFirst();
  return row?.timeZone ?? "Europe/Paris";
}

export async function todayIn(db: Executor, networkId: string): Promise<string> {
  return DateTime.now().setZone(await networkTimeZone(db, networkId)).toISODate()!;
}

async function checkReviewDate(db: Executor, networkId: string, reviewOn: string | null | undefined, current: string | null = null) {
  // An overdue page keeps its date when edited for something else; a new date must be ahead.
  if (!reviewOn || reviewOn === current) return;
  if (reviewOn < (await todayIn(db, networkId))) {
    throw new KnowledgeInputError({ reviewOn: ["La date de révision doit être aujourd'hui ou plus tard."] });
  }
}

const normaliseLabel = (label: string) => label.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase().trim();

/** Themes named by identifier or by label (accents and case ignored); any other is refused. */
export async function resolveThemes(db: Executor, networkId: string, requested: string[]): Promise<string[]> {
  if (requested.length === 0) return [];
  const themes = await db.selectFrom("networkThemes").select(["id", "label"]).where("networkId", "=", networkId).execute();
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const wanted of requested) {
    const theme = themes.find((candidate) => candidate.id === wanted || normaliseLabel(candidate.label) === normaliseLabel(wanted));
    if (theme) ids.add(theme.id);
    else unknown.push(wanted);
  }
  if (unknown.length) {
    throw new KnowledgeInputError({ themes: [`Thème inconnu dans ce réseau : ${unknown.map((label) => `« ${label.slice(0, 80)} »`).join(", ")}.`] });
  }
  return [...ids];
}

function convertContent(content: { body: string; format: "html" | "markdown" } | undefined) {
  if (!content) return undefined;
  const json = contentToDocumentJson(content.body, content.format);
  const state = documentJsonToYState(json);
  if (state.byteLength > MAX_DOCUMENT_BYTES) {
    throw new KnowledgeInputError({ content: ["Le texte dépasse 2 Mo une fois converti : découpez-le en plusieurs pages."] });
  }
  return { json, state };
}

async function replaceThemes(db: Executor, documentId: string, themeIds: string[]) {
  await db.deleteFrom("documentThemes").where("documentId", "=", documentId).execute();
  if (themeIds.length) await db.insertInto("documentThemes").values(themeIds.map((themeId) => ({ documentId, themeId }))).execute();
}

async function replaceLegalReferences(
  db: Executor,
  documentId: string,
  references: { code: string; article: string; url: string | null; effectiveOn: string | null }[],
) {
  await db.deleteFrom("legalReferences").where("documentId", "=", documentId).execute();
  if (references.length) {
    await db
      .insertInto("legalReferences")
      .values(references.map((reference, position) => ({ documentId, ...reference, position })))
      .execute();
  }
}

/** Stores the first content of a brand-new document and folds it into its snapshot and first version. */
async function storeInitialContent(db: Executor, documentId: string, state: Uint8Array | undefined, userId: string) {
  if (state) await appendUpdate(db, documentId, state, userId);
  await compactDocument(db, documentId);
}

export interface CreatedKnowledgeDocument {
  id: string;
  networkId: string;
  kind: "wiki" | "practice";
}

export async function createWatchPage(
  db: Executor,
  actor: Actor,
  input: { networkId: string } & WatchPageInput,
): Promise<CreatedKnowledgeDocument> {
  authorize(actor, { action: "document.create", networkId: input.networkId });
  const value = parseOrThrow(watchPageSchema, input);
  const content = convertContent(value.content);
  return inTransaction(db, async (tx) => {
    await checkSection(tx, input.networkId, value.sectionId);
    await checkReviewDate(tx, input.networkId, value.reviewOn);
    const themeIds = await resolveThemes(tx, input.networkId, value.themes ?? []);
    const position = await nextPagePosition(tx, input.networkId, value.sectionId ?? null);
    const document = await tx
      .insertInto("documents")
      .values({
        networkId: input.networkId,
        kind: "wiki",
        title: value.title,
        visibility: "network",
        createdBy: actor.userId,
        ownerUserId: actor.userId,
        sectionId: value.sectionId ?? null,
        reviewOn: value.reviewOn ?? null,
        position,
      })
      .returning(["id", "networkId"])
      .executeTakeFirstOrThrow();
    await replaceThemes(tx, document.id, themeIds);
    await replaceLegalReferences(tx, document.id, value.legalReferences ?? []);
    await storeInitialContent(tx, document.id, content?.state, actor.userId);
    return { id: document.id, networkId: document.networkId, kind: "wiki" as const };
  });
}

export async function createPracticeNote(
  db: Executor,
  actor: Actor,
  input: { networkId: string; organisationId: string } & PracticeNoteInput,
): Promise<CreatedKnowledgeDocument> {
  // An unreadable form is the user's mistake to correct, not a permission refusal: check the input first.
  const value = parseOrThrow(practiceNoteSchema, input);
  if (!input.organisationId) throw new KnowledgeInputError({ organisationId: ["Choisissez le CCAS au nom duquel la fiche est écrite."] });
  authorize(actor, { action: "practice.create", networkId: input.networkId, organisationId: input.organisationId });
  const content = convertContent(value.content);
  return inTransaction(db, async (tx) => {
    await checkReviewDate(tx, input.networkId, value.reviewOn);
    const themeIds = await resolveThemes(tx, input.networkId, value.themes ?? []);
    const document = await tx
      .insertInto("documents")
      .values({
        networkId: input.networkId,
        kind: "practice",
        title: value.title,
        ownerOrganisationId: input.organisationId,
        visibility: value.published ? "network" : "organisation",
        createdBy: actor.userId,
        ownerUserId: actor.userId,
        reviewOn: value.reviewOn ?? null,
      })
      .returning(["id", "networkId"])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("practiceNoteDetails")
      .values({
        documentId: document.id,
        cost: value.cost ?? null,
        partners: value.partners ?? null,
        contactName: value.contactName ?? null,
        contactDetails: value.contactDetails ?? null,
      })
      .execute();
    await replaceThemes(tx, document.id, themeIds);
    await replaceLegalReferences(tx, document.id, value.legalReferences ?? []);
    await storeInitialContent(tx, document.id, content?.state, actor.userId);
    return { id: document.id, networkId: document.networkId, kind: "practice" as const };
  });
}

/** The document if it is of `kind` and the actor may change it; others' drafts are 404, like missing ones. */
async function requireWritableKnowledge(db: Executor, actor: Actor, documentId: string, kind: "wiki" | "practice") {
  const document = await db
    .selectFrom("documents")
    .select([
      "id",
      "networkId",
      "kind",
      "title",
      "ownerOrganisationId",
      "visibility",
      "ownerUserId",
      "sectionId",
      (eb) => sql<string | null>`${eb.ref("reviewOn")}::text`.as("reviewOn"),
    ])
    .where("id", "=", documentId)
    .executeTakeFirst();
  if (!document || document.kind !== kind || !can(actor, { action: "document.read", ...document })) throw notFound();
  authorize(actor, { action: "document.write", ...document });
  return document;
}

/**
 * A change of responsible asked by the patch (absent, or the current one again: none), refused at once (403) to whoever
 * may not make it, before anything is written; `changeOwner` checks the new responsible within the transaction.
 */
function newOwnerOf(actor: Actor, document: DocumentFacts & { ownerUserId: string | null }, requested: string | null | undefined) {
  if (requested === undefined || requested === document.ownerUserId) return undefined;
  authorize(actor, { action: "document.changeOwner", ...document });
  return { userId: requested };
}

async function replaceLiveContent(realtime: ContentReplacer, documentId: string, json: Record<string, unknown>, userId: string) {
  const update = await realtime.registry.replaceContent(documentId, json, userId);
  realtime.broadcastUpdate(documentId, update);
}

export async function updateWatchPage(
  db: Executor,
  realtime: ContentReplacer,
  actor: Actor,
  documentId: string,
  patch: WatchPageUpdate,
): Promise<void> {
  const document = await requireWritableKnowledge(db, actor, documentId, "wiki");
  const value = parseOrThrow(watchPageUpdateSchema, patch);
  const newOwner = newOwnerOf(actor, document, value.ownerUserId);
  // Sending the page's current section again is no change: only a move is the coordinators' (`fileInSection`).
  const movedTo = value.sectionId !== undefined && value.sectionId !== document.sectionId ? { sectionId: value.sectionId } : undefined;
  const content = convertContent(value.content);
  await inTransaction(db, async (tx) => {
    // First: a 403 to whoever does not arrange the wiki before anything is written, and the target section's pages
    // locked before this page's row (the order `movePage` keeps).
    if (movedTo) await fileInSection(tx, actor, document, movedTo.sectionId);
    await checkReviewDate(tx, document.networkId, value.reviewOn, document.reviewOn);
    await tx
      .updateTable("documents")
      .set({
        updatedAt: new Date(),
        ...(value.title !== undefined ? { title: value.title } : {}),
        ...(value.reviewOn !== undefined ? { reviewOn: value.reviewOn } : {}),
      })
      .where("id", "=", documentId)
      .execute();
    if (newOwner) await changeOwner(tx, actor, { ...document, title: value.title ?? document.title }, newOwner.userId);
    if (value.themes !== undefined) await replaceThemes(tx, documentId, await resolveThemes(tx, document.networkId, value.themes));
    if (value.legalReferences !== undefined) await replaceLegalReferences(tx, documentId, value.legalReferences);
  });
  if (content) await replaceLiveContent(realtime, documentId, content.json as Record<string, unknown>, actor.userId);
}

export async function updatePracticeNote(
  db: Executor,
  realtime: ContentReplacer,
  actor: Actor,
  documentId: string,
  patch: PracticeNoteUpdate,
): Promise<void> {
  const document = await requireWritableKnowledge(db, actor, documentId, "practice");
  const value = parseOrThrow(practiceNoteUpdateSchema, patch);
  const newOwner = newOwnerOf(actor, document, value.ownerUserId);
  const content = convertContent(value.content);
  await inTransaction(db, async (tx) => {
    await checkReviewDate(tx, document.networkId, value.reviewOn, document.reviewOn);
    await tx
      .updateTable("documents")
      .set({
        updatedAt: new Date(),
        ...(value.title !== undefined ? { title: value.title } : {}),
        ...(value.reviewOn !== undefined ? { reviewOn: value.reviewOn } : {}),
        ...(value.published !== undefined ? { visibility: value.published ? ("network" as const) : ("organisation" as const) } : {}),
      })
      .where("id", "=", documentId)
      .execute();
    const details = {
      ...(value.cost !== undefined ? { cost: value.cost } : {}),
      ...(value.partners !== undefined ? { partners: value.partners } : {}),
      ...(value.contactName !== undefined ? { contactName: value.contactName } : {}),
      ...(value.contactDetails !== undefined ? { contactDetails: value.contactDetails } : {}),
    };
    if (Object.keys(details).length) {
      await tx
        .insertInto("practiceNoteDetails")
        .values({ documentId, cost: null, partners: null, contactName: null, contactDetails: null, ...details })
        .onConflict((oc) => oc.column("documentId").doUpdateSet(details))
        .execute();
    }
    if (newOwner) await changeOwner(tx, actor, { ...document, title: value.title ?? document.title }, newOwner.userId);
    if (value.themes !== undefined) await replaceThemes(tx, documentId, await resolveThemes(tx, document.networkId, value.themes));
    if (value.legalReferences !== undefined) await replaceLegalReferences(tx, documentId, value.legalReferences);
  });
  if (content) await replaceLiveContent(realtime, documentId, content.json as Record<string, unknown>, actor.userId);
}
