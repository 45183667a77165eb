import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { Executor } from "../../db/client.ts";
import { MAX_DOCUMENT_BYTES, MAX_UPDATE_BYTES } from "../../app/features/documents/limits.ts";
import { appendUpdate, compactDocument, compactLiveDocument, loadState } from "../../app/features/documents/persistence.server.ts";
import { GroupCommit } from "./group-commit.ts";
import { documentSchema, FRAGMENT } from "../../app/features/documents/render.server.ts";
import type { UpdateError } from "../protocol.ts";

/**
 * The documents this process holds in memory while someone has them open:
 * one Y.Doc and one awareness per document, loaded from the database on first
 * use, compacted after a burst of edits or a moment of quiet, and released
 * when the last connection has gone.
 */

export interface RegistryOptions {
  db: Executor;
  compactAfterUpdates?: number;
  compactAfterQuietMs?: number;
  releaseAfterIdleMs?: number;
  /** Group commit's interval (GROUP_COMMIT_INTERVAL_MS); tests lengthen it to hold an update on its way to the disk. */
  groupCommitIntervalMs?: number;
  log?: (line: string) => void;
  /** Called when a document is dropped from memory because a write failed: its clients must join again. */
  onEvict?: (documentId: string) => void;
  /** Called with what compaction found stored but unheard here (another process's update): for this process's clients. */
  onMissed?: (documentId: string, update: Uint8Array) => void;
}

/** The registry's timings, which a server's caller (tests, benchmarks) may change. */
export type RegistryTuning = Pick<RegistryOptions, "compactAfterUpdates" | "compactAfterQuietMs" | "releaseAfterIdleMs" | "groupCommitIntervalMs">;

export interface LiveDocument {
  id: string;
  /** Holds the content once built (see `unbuilt`); until then an empty document that carries the awareness. */
  doc: Y.Doc;
  /**
   * The stored state, read but not yet applied to `doc`. Building a Y.Doc from a large state blocks the thread that
   * relays everyone's edits (~150 ms and ~200 MB of objects for 10 MB), and newcomers only need the bytes: the
   * document is built when it must change (an edit, another process's edit, a restore, a catch-up).
   */
  unbuilt: Uint8Array | null;
  /** The state vector of `unbuilt`, computed once. */
  unbuiltStateVector?: Uint8Array;
  loaded: boolean;
  awareness: awarenessProtocol.Awareness;
  ready: Promise<void>;
  holders: Set<string>;
  awarenessByHolder: Map<string, Set<number>>;
  approxBytes: number;
  pendingSinceCompaction: number;
  /** The stored snapshot this copy includes (StoredState.snapshotMark): a different one was written by someone else. */
  snapshotMark: number | null;
  /** The whole state, encoded once for every newcomer until the next change (large documents). */
  encodedState?: Uint8Array;
  quietTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  compaction: Promise<unknown>;
  /** Client updates applied to `doc` (and relayed) whose storing has not finished. */
  storing: Set<Promise<void>>;
}

export type ApplyResult = { ok: true } | { ok: false; error: UpdateError };

export class DocumentRegistry {
  private readonly live = new Map<string, LiveDocument>();
  private readonly db: Executor;
  private readonly compactAfterUpdates: number;
  private readonly compactAfterQuietMs: number;
  private readonly releaseAfterIdleMs: number;
  private readonly log: (line: string) => void;
  private readonly commits: GroupCommit;
  private readonly onEvict: (documentId: string) => void;
  private readonly onMissed: (documentId: string, update: Uint8Array) => void;

  constructor(options: RegistryOptions) {
    this.db = options.db;
    this.commits = new GroupCommit(options.db, options.groupCommitIntervalMs);
    this.onEvict = options.onEvict ?? (() => {});
    this.onMissed = options.onMissed ?? (() => {});
    this.compactAfterUpdates = options.compactAfterUpdates ?? 500;
    this.compactAfterQuietMs = options.compactAfterQuietMs ?? 2000;
    this.releaseAfterIdleMs = options.releaseAfterIdleMs ?? 30_000;
    this.log = options.log ?? (() => {});
  }

  get size(): number {
    return this.live.size;
  }

  has(documentId: string): boolean {
    return this.live.has(documentId);
  }

  /** Opens a document for `holder` (a socket id), loading it if this process does not hold it yet. */
  async acquire(documentId: string, holder: string): Promise<LiveDocument> {
    let entry = this.live.get(documentId);
    if (!entry) {
      const doc = new Y.Doc({ gc: true });
      const awareness = new awarenessProtocol.Awareness(doc);
      // The server has no presence of its own, and must not keep a renewal timer per document.
      awareness.setLocalState(null);
      clearInterval((awareness as unknown as { _checkInterval: NodeJS.Timeout })._checkInterval);
      const created: LiveDocument = {
        id: documentId,
        doc,
        unbuilt: null,
        loaded: false,
        awareness,
        holders: new Set(),
        awarenessByHolder: new Map(),
        approxBytes: 0,
        pendingSinceCompaction: 0,
        snapshotMark: null,
        compaction: Promise.resolve(),
        storing: new Set(),
        ready: Promise.resolve(),
      };
      doc.on("update", () => {
        created.encodedState = undefined;
      });
      // Registered before loading: updates from other processes that arrive meanwhile are applied, not lost.
      created.ready = loadState(this.db, documentId).then((stored) => {
        // Another process's update applied while loading: the document must hold both, build it now.
        if (doc.store.clients.size > 0) Y.applyUpdate(doc, stored.state, "storage");
        else created.unbuilt = stored.state;
        created.loaded = true;
        created.approxBytes = stored.state.byteLength;
        created.pendingSinceCompaction = stored.pendingUpdates;
        created.snapshotMark = stored.snapshotMark;
      });
      this.live.set(documentId, created);
      entry = created;
      entry.ready.catch(() => this.unload(created));
    }
    entry.holders.add(holder);
    clearTimeout(entry.idleTimer);
    await entry.ready;
    return entry;
  }

  /** Ends `holder`'s use of a document; returns the awareness update that removes its presence. */
  release(documentId: string, holder: string): Uint8Array | null {
    const entry = this.live.get(documentId);
    if (!entry) return null;
    entry.holders.delete(holder);
    const removal = this.forgetPresence(entry, holder);
    if (entry.holders.size === 0) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = setTimeout(() => void this.releaseIdle(entry), this.releaseAfterIdleMs);
      entry.idleTimer.unref();
    }
    return removal;
  }

  /**
   * Validates a client's update, applies it, lets `relay` pass it on at once
   * (others should not wait for the disk), then stores it: the returned promise
   * settles, and the caller acknowledges, only once it is stored. If storing
   * fails, memory would be ahead of storage and a client re-syncing would
   * believe the server has its change: the document is dropped from memory and
   * its clients are asked to join again, which sends the change anew.
   */
  async applyClientUpdate(entry: LiveDocument, update: Uint8Array, userId: string | null, relay: () => void): Promise<ApplyResult> {
    if (update.byteLength > MAX_UPDATE_BYTES) return { ok: false, error: "too-large" };
    if (entry.approxBytes + update.byteLength > MAX_DOCUMENT_BYTES) {
      await this.compact(entry);
      if (entry.approxBytes + update.byteLength > MAX_DOCUMENT_BYTES) return { ok: false, error: "document-full" };
    }
    try {
      Y.decodeUpdate(update);
    } catch {
      return { ok: false, error: "invalid" };
    }
    Y.applyUpdate(this.built(entry), update, "client");
    entry.approxBytes += update.byteLength;
    relay();
    const storing = this.commits.store({ documentId: entry.id, update, userId });
    entry.storing.add(storing);
    try {
      await storing;
    } catch (error) {
      this.evict(entry.id);
      this.onEvict(entry.id);
      throw error;
    } finally {
      entry.storing.delete(storing);
    }
    entry.pendingSinceCompaction += 1;
    this.scheduleCompaction(entry);
    return { ok: true };
  }

  /** Drops a document from memory without storing anything (its state is the database's). */
  evict(documentId: string): void {
    const entry = this.live.get(documentId);
    if (entry) this.unload(entry);
  }

  /**
   * Settles once every client update applied to the live copy until now is stored (later ones are not waited for,
   * so a join during steady typing is not starved). A joining client sends only what lies beyond the server's state
   * vector, so the vector it receives must not count an update still on its way to the disk: a client that sent it,
   * lost its connection before the acknowledgement and joins again would take it as saved and never send it again.
   */
  storedSoFar(entry: LiveDocument): Promise<unknown> {
    return Promise.allSettled([...entry.storing]);
  }

  /** Whether `entry` is still this document's copy in memory (a failed write drops it). */
  holds(entry: LiveDocument): boolean {
    return this.live.get(entry.id) === entry;
  }

  /** What a client must receive to catch up from `stateVector`; a newcomer's (empty) vector reuses one encoding. */
  encodeMissing(entry: LiveDocument, stateVector: Uint8Array): Uint8Array {
    if (entry.unbuilt) return stateVector.byteLength <= 1 ? entry.unbuilt : Y.diffUpdate(entry.unbuilt, stateVector);
    if (stateVector.byteLength <= 1) return (entry.encodedState ??= Y.encodeStateAsUpdate(entry.doc));
    return Y.encodeStateAsUpdate(entry.doc, stateVector);
  }

  /** What the server holds, as a state vector: a joining client sends what lies beyond it. */
  stateVector(entry: LiveDocument): Uint8Array {
    if (entry.unbuilt) return (entry.unbuiltStateVector ??= Y.encodeStateVectorFromUpdate(entry.unbuilt));
    return Y.encodeStateVector(entry.doc);
  }

  /** The live document with its content, built from the stored state on first need (an edit, a restore, a catch-up). */
  built(entry: LiveDocument): Y.Doc {
    if (entry.unbuilt) {
      const state = entry.unbuilt;
      entry.unbuilt = null;
      entry.unbuiltStateVector = undefined;
      Y.applyUpdate(entry.doc, state, "storage");
      // The document was empty: the bytes read are its whole state, for the next newcomers too.
      entry.encodedState = state;
    }
    return entry.doc;
  }

  /** An update another process stored and broadcast: keep our copy in step if we hold the document. */
  applyPeerUpdate(documentId: string, update: Uint8Array): void {
    const entry = this.live.get(documentId);
    if (!entry) return;
    Y.applyUpdate(entry.loaded ? this.built(entry) : entry.doc, update, "peer");
    entry.approxBytes += update.byteLength;
  }

  applyAwareness(entry: LiveDocument, update: Uint8Array, holder: string | null): void {
    const before = new Set(entry.awareness.getStates().keys());
    awarenessProtocol.applyAwarenessUpdate(entry.awareness, update, holder ?? "peer");
    if (!holder) return;
    const owned = entry.awarenessByHolder.get(holder) ?? new Set<number>();
    for (const clientId of readAwarenessClientIds(update)) if (!before.has(clientId) || owned.has(clientId)) owned.add(clientId);
    entry.awarenessByHolder.set(holder, owned);
  }

  applyPeerAwareness(documentId: string, update: Uint8Array): void {
    const entry = this.live.get(documentId);
    if (entry) awarenessProtocol.applyAwarenessUpdate(entry.awareness, update, "peer");
  }

  encodeAwareness(entry: LiveDocument): Uint8Array | null {
    const clients = [...entry.awareness.getStates().keys()];
    return clients.length ? awarenessProtocol.encodeAwarenessUpdate(entry.awareness, clients) : null;
  }

  /**
   * Makes the live content equal to `json` (a stored version) through ordinary
   * Yjs changes, stored like any edit; returns the update to broadcast.
   */
  async replaceContent(documentId: string, json: Record<string, unknown>, userId: string | null): Promise<Uint8Array> {
    const holder = `restore:${Math.random()}`;
    const entry = await this.acquire(documentId, holder);
    try {
      const captured: Uint8Array[] = [];
      const capture = (update: Uint8Array, origin: unknown) => {
        if (origin === "restore") captured.push(update);
      };
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(this.built(entry)));
      scratch.on("update", capture);
      scratch.transact(() => prosemirrorJSONToYXmlFragment(documentSchema, json, scratch.getXmlFragment(FRAGMENT)), "restore");
      scratch.destroy();
      const update = captured.length ? Y.mergeUpdates(captured) : new Uint8Array([0, 0]);
      await appendUpdate(this.db, documentId, update, userId);
      Y.applyUpdate(entry.doc, update, "client");
      entry.pendingSinceCompaction += 1;
      await this.compact(entry, false);
      return update;
    } finally {
      this.release(documentId, holder);
    }
  }

  /** Folds stored updates into the snapshot, from the live copy; one compaction at a time per document. */
  compact(entry: LiveDocument, autoRevision = true): Promise<unknown> {
    clearTimeout(entry.quietTimer);
    entry.compaction = entry.compaction
      .catch(() => {})
      .then(async () => {
        if (entry.pendingSinceCompaction === 0) return;
        entry.pendingSinceCompaction = 0;
        if (entry.unbuilt) {
          // Nothing changed here since loading (any change builds the document): fold the stored rows from the
          // database alone rather than build a large document only to release it. The snapshot's mark changes, so a
          // later live compaction re-reads it (harmless: Yjs ignores what it already holds).
          entry.approxBytes = (await compactDocument(this.db, entry.id, { autoRevision })).stateBytes;
          return;
        }
        const result = await compactLiveDocument(this.db, entry.id, entry.doc, { knownSnapshotMark: entry.snapshotMark, autoRevision });
        entry.approxBytes = result.stateBytes;
        entry.snapshotMark = result.snapshotMark;
        if (result.missed) this.onMissed(entry.id, result.missed);
      })
      .catch((error) => this.log(`Compactage du document ${entry.id} impossible : ${String(error)}`));
    return entry.compaction;
  }

  /**
   * Re-reads every document held from the database, where every acknowledged update is, and returns what this
   * process lacked. Updates from other processes travel through the socket.io adapter's database link; when
   * that link was down, they were stored but never heard here.
   */
  async catchUp(): Promise<Array<{ documentId: string; update: Uint8Array }>> {
    const missed: Array<{ documentId: string; update: Uint8Array }> = [];
    for (const entry of [...this.live.values()]) {
      try {
        await entry.ready;
        const stored = await loadState(this.db, entry.id);
        const heard: Uint8Array[] = [];
        const listen = (update: Uint8Array) => heard.push(update);
        this.built(entry);
        entry.doc.on("update", listen);
        try {
          Y.applyUpdate(entry.doc, stored.state, "storage");
        } finally {
          entry.doc.off("update", listen);
        }
        if (heard.length) missed.push({ documentId: entry.id, update: Y.mergeUpdates(heard) });
      } catch (error) {
        this.log(`Rattrapage du document ${entry.id} impossible : ${String(error)}`);
      }
    }
    return missed;
  }

  /** Compacts everything held (at shutdown). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.live.values()].map((entry) => this.compact(entry)));
  }

  destroy(): void {
    for (const entry of this.live.values()) this.unload(entry);
  }

  private scheduleCompaction(entry: LiveDocument): void {
    if (entry.pendingSinceCompaction >= this.compactAfterUpdates) {
      void this.compact(entry);
      return;
    }
    clearTimeout(entry.quietTimer);
    entry.quietTimer = setTimeout(() => void this.compact(entry), this.compactAfterQuietMs);
    entry.quietTimer.unref();
  }

  private forgetPresence(entry: LiveDocument, holder: string): Uint8Array | null {
    const owned = entry.awarenessByHolder.get(holder);
    entry.awarenessByHolder.delete(holder);
    const present = [...(owned ?? [])].filter((clientId) => entry.awareness.getStates().has(clientId));
    if (present.length === 0) return null;
    awarenessProtocol.removeAwarenessStates(entry.awareness, present, "server");
    return awarenessProtocol.encodeAwarenessUpdate(entry.awareness, present);
  }

  private async releaseIdle(entry: LiveDocument): Promise<void> {
    if (entry.holders.size > 0) return;
    await this.compact(entry);
    if (entry.holders.size === 0 && this.holds(entry)) this.unload(entry);
  }

  private unload(entry: LiveDocument): void {
    clearTimeout(entry.quietTimer);
    clearTimeout(entry.idleTimer);
    entry.awareness.destroy();
    entry.doc.destroy();
    if (this.holds(entry)) this.live.delete(entry.id);
  }
}

/** Client ids named in an awareness update (y-protocols encoding: count, then id, clock, state per entry). */
function readAwarenessClientIds(update: Uint8Array): number[] {
  const ids: number[] = [];
  let offset = 0;
  const readVarUint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = update[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  const count = readVarUint();
  for (let index = 0; index < count; index++) {
    ids.push(readVarUint());
    readVarUint();
    const length = readVarUint();
    offset += length;
  }
  return ids;
}
