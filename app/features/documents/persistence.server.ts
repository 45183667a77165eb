import { sql } from "kysely";
import * as Y from "yjs";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { RevisionReason } from "../../../db/schema.ts";
import { renderState, renderYDoc, type RenderedDocument } from "./render.server.ts";

/**
 * Durable storage of Yjs documents: updates are appended one by one (before
 * the server acknowledges them), then folded into a snapshot by compaction.
 * A row lock on the document serialises compactions, so several processes can
 * compact the same document safely; compactLiveDocument starts from the
 * process's live copy but first applies whatever the database holds that it lacks.
 */

/** An automatic version is kept at most this often while a document is being edited. */
export const AUTO_REVISION_INTERVAL_MS = 5 * 60 * 1000;

const bytes = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export async function appendUpdate(db: Executor, documentId: string, update: Uint8Array, userId: string | null): Promise<number> {
  const row = await db
    .insertInto("documentUpdates")
    .values({ documentId, update: bytes(update), userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface PendingUpdate {
  documentId: string;
  update: Uint8Array;
  userId: string | null;
}

/** Several updates (of any documents) in one statement: what group commit writes. */
export async function appendUpdates(db: Executor, updates: PendingUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await db
    .insertInto("documentUpdates")
    .values(updates.map(({ documentId, update, userId }) => ({ documentId, update: bytes(update), userId })))
    .execute();
}

export interface StoredState {
  /** Snapshot and later updates merged into one Yjs update (empty document: a valid empty update). */
  state: Uint8Array;
  /** The update rows merged in, so that compaction deletes exactly those. */
  updateIds: number[];
  pendingUpdates: number;
  /** The snapshot's last folded update id (null without a snapshot): tells a later reader whether it was rewritten. */
  snapshotMark: number | null;
}

/**
 * The snapshot plus every update row still stored, read by one statement so
 * that both come from the same moment: read apart, a compaction committing in
 * between (another process, or this one) would leave the old snapshot and
 * only the updates written after the new one, losing those it folded in.
 * Rows are not filtered by id: ids come from a sequence, and a row with a
 * smaller id may commit after a larger one, so "ids above the snapshot's"
 * could skip it. Compaction deletes exactly the rows it folded in; Yjs ignores
 * anything applied twice.
 */
export async function loadState(db: Executor, documentId: string): Promise<StoredState> {
  const rows = await db
    .selectFrom("documentSnapshots")
    .select([sql<boolean>`true`.as("isSnapshot"), "state as data", "lastUpdateId as id"])
    .where("documentId", "=", documentId)
    .unionAll(
      db
        .selectFrom("documentUpdates")
        .select([sql<boolean>`false`.as("isSnapshot"), "update as data", "id"])
        .where("documentId", "=", documentId),
    )
    .orderBy("isSnapshot", "desc")
    .orderBy("id")
    .execute();
  const snapshot = rows[0]?.isSnapshot ? rows[0] : undefined;
  const updates = snapshot ? rows.slice(1) : rows;
  const parts = rows.map((row) => row.data);
  return {
    state: parts.length ? Y.mergeUpdates(parts) : Y.encodeStateAsUpdate(new Y.Doc()),
    updateIds: updates.map((row) => row.id),
    pendingUpdates: updates.length,
    snapshotMark: snapshot ? snapshot.id : null,
  };
}

export interface CompactionResult {
  compacted: number;
  stateBytes: number;
  revisionId: number | null;
}

/**
 * Folds pending updates into the snapshot, re-deriving JSON, HTML and text,
 * and keeps an automatic version when the last one is old enough.
 */
export async function compactDocument(
  db: Executor,
  documentId: string,
  options: { now?: Date; autoRevision?: boolean } = {},
): Promise<CompactionResult> {
  const now = options.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await tx.selectFrom("documents").select("id").where("id", "=", documentId).forUpdate().executeTakeFirst();
    const stored = await loadState(tx, documentId);
    if (stored.pendingUpdates === 0) return { compacted: 0, stateBytes: stored.state.byteLength, revisionId: null };
    const rendered = renderState(stored.state);
    await writeSnapshot(tx, documentId, { state: stored.state, rendered, foldedIds: stored.updateIds, now });
    const revisionId = options.autoRevision === false ? null : await keepAutoRevision(tx, documentId, now, stored.state, rendered);
    return { compacted: stored.pendingUpdates, stateBytes: stored.state.byteLength, revisionId };
  });
}

/**
 * Replaces the snapshot with `state` and what was rendered from it, deletes the update rows folded into it, and
 * marks the document changed; returns the snapshot's new mark (its highest folded update id).
 */
async function writeSnapshot(
  tx: Executor,
  documentId: string,
  input: { state: Uint8Array; rendered: RenderedDocument; foldedIds: number[]; now: Date },
): Promise<number> {
  const lastUpdateId = input.foldedIds.reduce((highest, id) => Math.max(highest, id), 0);
  const values = {
    state: bytes(input.state),
    lastUpdateId,
    contentJson: input.rendered.json as Record<string, unknown>,
    contentHtml: input.rendered.html,
    contentText: input.rendered.text,
    updatedAt: input.now,
  };
  await tx
    .insertInto("documentSnapshots")
    .values({ documentId, ...values })
    .onConflict((oc) => oc.column("documentId").doUpdateSet(values))
    .execute();
  await tx.deleteFrom("documentUpdates").where("id", "in", input.foldedIds).execute();
  await tx.updateTable("documents").set({ updatedAt: input.now }).where("id", "=", documentId).execute();
  return lastUpdateId;
}

/** An automatic version when the last one is old enough and the content changed since: its id, or null. */
async function keepAutoRevision(tx: Executor, documentId: string, now: Date, state: Uint8Array, rendered: RenderedDocument): Promise<number | null> {
  // The last version's date first: its content is read and compared only when a new version is due.
  const last = await tx
    .selectFrom("documentRevisions")
    .select(["id", "createdAt"])
    .where("documentId", "=", documentId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (last && now.getTime() - last.createdAt.getTime() < AUTO_REVISION_INTERVAL_MS) return null;
  if (last) {
    // Compared by the database as jsonb: the stored JSON's keys are in jsonb's order, not the rendered object's.
    const unchanged = await tx
      .selectFrom("documentRevisions")
      .select("id")
      .where("id", "=", last.id)
      .where("contentJson", "=", sql<Record<string, unknown>>`cast(cast(${JSON.stringify(rendered.json)} as text) as jsonb)`)
      .executeTakeFirst();
    if (unchanged) return null;
  }
  return insertRevision(tx, documentId, { label: "Enregistrement automatique", reason: "auto", userId: null, createdAt: now }, state, rendered);
}

export interface LiveCompactionResult extends CompactionResult {
  /** The snapshot's mark after this compaction (see StoredState.snapshotMark). */
  snapshotMark: number | null;
  /** What the live document learned from the database (rows or a snapshot it had not heard of), for its clients. */
  missed: Uint8Array | null;
}

/**
 * Compaction by the process that holds the document in memory. Its Y.Doc already holds the snapshot it loaded and
 * nearly every stored update, so the new snapshot is encoded and rendered from it, instead of rebuilding a document
 * from the database at every compaction. What it may lack is applied to it first: every stored row (another process's
 * update whose message was lost), and the snapshot if someone else rewrote it since `knownSnapshotMark`. Updates it
 * holds but has not stored yet may enter the snapshot: they are its clients' changes, stored right after; Yjs ignores
 * them when their rows are folded in later.
 */
export async function compactLiveDocument(
  db: Executor,
  documentId: string,
  doc: Y.Doc,
  options: { knownSnapshotMark: number | null; now?: Date; autoRevision?: boolean },
): Promise<LiveCompactionResult> {
  const now = options.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await tx.selectFrom("documents").select("id").where("id", "=", documentId).forUpdate().executeTakeFirst();
    const snapshot = await tx.selectFrom("documentSnapshots").select("lastUpdateId").where("documentId", "=", documentId).executeTakeFirst();
    const updates = await tx.selectFrom("documentUpdates").select(["id", "update"]).where("documentId", "=", documentId).orderBy("id").execute();
    const heard: Uint8Array[] = [];
    const listen = (update: Uint8Array) => heard.push(update);
    doc.on("update", listen);
    try {
      if (snapshot && snapshot.lastUpdateId !== options.knownSnapshotMark) {
        const { state } = await tx.selectFrom("documentSnapshots").select("state").where("documentId", "=", documentId).executeTakeFirstOrThrow();
        Y.applyUpdate(doc, state, "storage");
      }
      for (const row of updates) Y.applyUpdate(doc, row.update, "storage");
    } finally {
      doc.off("update", listen);
    }
    const missed = heard.length ? Y.mergeUpdates(heard) : null;
    const state = Y.encodeStateAsUpdate(doc);
    if (updates.length === 0) return { compacted: 0, stateBytes: state.byteLength, revisionId: null, snapshotMark: snapshot?.lastUpdateId ?? null, missed };
    const rendered = renderYDoc(doc);
    const lastUpdateId = await writeSnapshot(tx, documentId, { state, rendered, foldedIds: updates.map((row) => row.id), now });
    const revisionId = options.autoRevision === false ? null : await keepAutoRevision(tx, documentId, now, state, rendered);
    return { compacted: updates.length, stateBytes: state.byteLength, revisionId, snapshotMark: lastUpdateId, missed };
  });
}

async function insertRevision(
  db: Executor,
  documentId: string,
  meta: { label: string; reason: RevisionReason; userId: string | null; createdAt?: Date },
  state: Uint8Array,
  rendered: RenderedDocument,
): Promise<number> {
  const row = await db
    .insertInto("documentRevisions")
    .values({
      documentId,
      label: meta.label,
      reason: meta.reason,
      state: bytes(state),
      contentJson: rendered.json as Record<string, unknown>,
      contentHtml: rendered.html,
      contentText: rendered.text,
      createdBy: meta.userId,
      ...(meta.createdAt ? { createdAt: meta.createdAt } : {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A named version of the document as stored now (pending updates included). */
export async function createRevision(
  db: Executor,
  documentId: string,
  meta: { label: string; reason: RevisionReason; userId: string | null },
): Promise<number> {
  return inTransaction(db, async (tx) => {
    await compactDocument(tx, documentId, { autoRevision: false });
    const stored = await loadState(tx, documentId);
    return insertRevision(tx, documentId, meta, stored.state, renderState(stored.state));
  });
}

export async function listRevisions(db: Executor, documentId: string) {
  return db
    .selectFrom("documentRevisions as r")
    .leftJoin("users as u", "u.id", "r.createdBy")
    .select(["r.id", "r.label", "r.reason", "r.createdAt", "u.name as authorName"])
    .where("r.documentId", "=", documentId)
    .orderBy("r.id", "desc")
    .execute();
}

export async function getRevision(db: Executor, documentId: string, revisionId: number) {
  return db
    .selectFrom("documentRevisions as r")
    .leftJoin("users as u", "u.id", "r.createdBy")
    .select(["r.id", "r.label", "r.reason", "r.createdAt", "r.state", "r.contentJson", "r.contentHtml", "r.contentText", "u.name as authorName"])
    .where("r.documentId", "=", documentId)
    .where("r.id", "=", revisionId)
    .executeTakeFirst();
}

export async function getSnapshot(db: Executor, documentId: string) {
  return db
    .selectFrom("documentSnapshots")
    .select(["contentHtml", "contentText", "contentJson", "updatedAt"])
    .where("documentId", "=", documentId)
    .executeTakeFirst();
}
