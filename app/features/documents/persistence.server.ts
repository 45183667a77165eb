import * as Y from "yjs";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { RevisionReason } from "../../../db/schema.ts";
import { renderState } from "./render.server.ts";

/**
 * Durable storage of Yjs documents: updates are appended one by one (before
 * the server acknowledges them), then folded into a snapshot by compaction.
 * Everything here derives from the database alone, so several processes can
 * compact the same document safely (a row lock serialises them).
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
}

/**
 * The snapshot plus every update row still stored. Rows are not filtered by id:
 * ids come from a sequence, and a row with a smaller id may commit after a
 * larger one, so "ids above the snapshot's" could skip it. Compaction deletes
 * exactly the rows it folded in; Yjs ignores anything applied twice.
 */
export async function loadState(db: Executor, documentId: string): Promise<StoredState> {
  const snapshot = await db.selectFrom("documentSnapshots").select("state").where("documentId", "=", documentId).executeTakeFirst();
  const updates = await db
    .selectFrom("documentUpdates")
    .select(["id", "update"])
    .where("documentId", "=", documentId)
    .orderBy("id")
    .execute();
  const parts = [...(snapshot ? [snapshot.state] : []), ...updates.map((row) => row.update)];
  return {
    state: parts.length ? Y.mergeUpdates(parts) : Y.encodeStateAsUpdate(new Y.Doc()),
    updateIds: updates.map((row) => row.id),
    pendingUpdates: updates.length,
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
    const values = {
      state: bytes(stored.state),
      lastUpdateId: stored.updateIds.reduce((highest, id) => Math.max(highest, id), 0),
      contentJson: rendered.json as Record<string, unknown>,
      contentHtml: rendered.html,
      contentText: rendered.text,
      updatedAt: now,
    };
    await tx
      .insertInto("documentSnapshots")
      .values({ documentId, ...values })
      .onConflict((oc) => oc.column("documentId").doUpdateSet(values))
      .execute();
    await tx.deleteFrom("documentUpdates").where("id", "in", stored.updateIds).execute();
    await tx.updateTable("documents").set({ updatedAt: now }).where("id", "=", documentId).execute();
    let revisionId: number | null = null;
    if (options.autoRevision !== false) {
      const last = await tx
        .selectFrom("documentRevisions")
        .select(["createdAt", "contentText", "contentJson"])
        .where("documentId", "=", documentId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const changed = !last || JSON.stringify(last.contentJson) !== JSON.stringify(rendered.json);
      const due = !last || now.getTime() - last.createdAt.getTime() >= AUTO_REVISION_INTERVAL_MS;
      if (changed && due) {
        revisionId = await insertRevision(tx, documentId, { label: "Enregistrement automatique", reason: "auto", userId: null }, stored.state, rendered);
      }
    }
    return { compacted: stored.pendingUpdates, stateBytes: stored.state.byteLength, revisionId };
  });
}

async function insertRevision(
  db: Executor,
  documentId: string,
  meta: { label: string; reason: RevisionReason; userId: string | null },
  state: Uint8Array,
  rendered: ReturnType<typeof renderState>,
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
