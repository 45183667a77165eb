import type { Socket } from "socket.io-client";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { EVENTS, toBytes, type AwarenessMessage, type JoinReply, type UpdateError, type UpdateMessage, type UpdateReply } from "../protocol.ts";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline";

export interface ProviderState {
  status: ConnectionStatus;
  /** The server has sent its state and received ours. */
  synced: boolean;
  canWrite: boolean;
  /** Local changes sent but not yet acknowledged as stored. */
  unacknowledged: number;
  /** Local changes made while disconnected or refused for a passing reason: sent on the next sync. */
  unsent: boolean;
  /** Why the document cannot be opened, or why the last change was refused. */
  error: UpdateError | "forbidden" | "not-found" | "invalid" | "unavailable" | null;
}

type Listener = (state: ProviderState) => void;

const RESYNC_DELAY_MS = 1_000;
const ACK_TIMEOUT_MS = 15_000;

/**
 * Keeps a Y.Doc and its awareness in sync with the Tablée server over a
 * socket.io connection (several providers may share one socket). Works in the
 * browser and in Node (tests, benchmarks).
 *
 * Durability: an update counts as saved only when the server acknowledges it,
 * which it does after storing it. Anything not acknowledged (offline, refused
 * for a passing reason) is covered by the state-vector exchange of the next
 * join, so nothing typed is lost.
 */
export class SocketIOProvider {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly documentId: string;
  private readonly socket: Socket;
  private state: ProviderState = { status: "connecting", synced: false, canWrite: false, unacknowledged: 0, unsent: false, error: null };
  private readonly listeners = new Set<Listener>();
  private everConnected = false;
  private joined = false;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private batch: Uint8Array[] = [];
  private batchScheduled = false;
  /**
   * Counts connections: a reply to an update sent over an earlier one no longer counts (that update was set aside
   * as unsent when the connection dropped, and the next join sends whatever the server lacks).
   */
  private connection = 0;

  constructor(options: { socket: Socket; documentId: string; doc?: Y.Doc; awareness?: awarenessProtocol.Awareness }) {
    this.socket = options.socket;
    this.documentId = options.documentId;
    this.doc = options.doc ?? new Y.Doc();
    this.awareness = options.awareness ?? new awarenessProtocol.Awareness(this.doc);
    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
    this.socket.on("connect", this.onConnect);
    this.socket.on("disconnect", this.onDisconnect);
    this.socket.on(EVENTS.update, this.onRemoteUpdate);
    this.socket.on(EVENTS.awareness, this.onRemoteAwareness);
    this.socket.on(EVENTS.rejoin, this.onRejoin);
    if (this.socket.connected) this.onConnect();
    else if (!this.socket.active) this.socket.connect();
  }

  get current(): ProviderState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every local change made so far is stored by the server. */
  whenSaved(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => this.state.synced && this.state.unacknowledged === 0 && !this.state.unsent && this.batch.length === 0;
      if (done()) return resolve();
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`Modifications non enregistrées à temps (${JSON.stringify({ ...this.state, batch: this.batch.length })})`));
      }, timeoutMs);
      const unsubscribe = this.subscribe(() => {
        if (!done()) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.resyncTimer);
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.socket.off("connect", this.onConnect);
    this.socket.off("disconnect", this.onDisconnect);
    this.socket.off(EVENTS.update, this.onRemoteUpdate);
    this.socket.off(EVENTS.awareness, this.onRemoteAwareness);
    this.socket.off(EVENTS.rejoin, this.onRejoin);
    if (this.socket.connected) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "local");
      this.socket.emit(EVENTS.leave, { documentId: this.documentId });
    }
    // Awareness keeps a renewal timer: without this, pages and tests never let go of it.
    this.awareness.destroy();
    this.listeners.clear();
  }

  private set(patch: Partial<ProviderState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  private onConnect = (): void => {
    this.everConnected = true;
    this.set({ status: "connected" });
    void this.join();
  };

  private onDisconnect = (): void => {
    this.joined = false;
    this.connection += 1;
    const others = [...this.awareness.getStates().keys()].filter((clientId) => clientId !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
    this.set({
      status: this.everConnected ? (this.socket.active ? "reconnecting" : "offline") : "connecting",
      synced: false,
      unsent: this.state.unsent || this.state.unacknowledged > 0 || this.batch.length > 0,
      unacknowledged: 0,
    });
  };

  private async join(): Promise<void> {
    if (this.destroyed) return;
    let reply: JoinReply;
    try {
      reply = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck(EVENTS.join, { documentId: this.documentId, stateVector: Y.encodeStateVector(this.doc) });
    } catch {
      return this.scheduleResync();
    }
    if (this.destroyed) return;
    if (!reply.ok) {
      this.set({ error: reply.error, synced: false });
      if (reply.error === "unavailable") this.scheduleResync();
      return;
    }
    this.joined = true;
    const fromServer = toBytes(reply.update);
    if (fromServer) Y.applyUpdate(this.doc, fromServer, this);
    const awareness = toBytes(reply.awareness);
    if (awareness) awarenessProtocol.applyAwarenessUpdate(this.awareness, awareness, this);
    this.set({ canWrite: reply.canWrite, error: null });
    const serverVector = toBytes(reply.stateVector);
    if (reply.canWrite && serverVector) {
      // What we have and the server lacks: edits made offline, or refused earlier for a passing reason.
      const missing = Y.encodeStateAsUpdate(this.doc, serverVector);
      if (hasContent(missing)) this.send(missing);
    }
    this.set({ synced: true, unsent: false });
    if (this.awareness.getLocalState() !== null) {
      this.socket.emit(EVENTS.awareness, {
        documentId: this.documentId,
        update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]),
      } satisfies AwarenessMessage);
    }
  }

  private scheduleResync(): void {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      if (this.socket.connected) void this.join();
    }, RESYNC_DELAY_MS);
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    if (!this.joined || !this.socket.connected) {
      this.set({ unsent: true });
      return;
    }
    if (!this.state.canWrite) return;
    // Keystrokes of the same tick travel as one message.
    this.batch.push(update);
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    queueMicrotask(() => {
      this.batchScheduled = false;
      const updates = this.batch;
      this.batch = [];
      if (updates.length === 0) return;
      // The connection may have dropped since: socket.io would buffer the message and send it before the next join.
      if (!this.joined || !this.socket.connected) return this.set({ unsent: true });
      this.send(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
    });
  };

  private send(update: Uint8Array): void {
    const connection = this.connection;
    this.set({ unacknowledged: this.state.unacknowledged + 1 });
    // Each outcome is one change of state: a listener (whenSaved, the indicator) never sees a half-updated one.
    const settle = (patch: Partial<ProviderState>, resync: boolean) => {
      if (this.destroyed || connection !== this.connection) return;
      this.set({ unacknowledged: Math.max(0, this.state.unacknowledged - 1), ...patch });
      if (resync) this.scheduleResync();
    };
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(EVENTS.update, { documentId: this.documentId, update } satisfies UpdateMessage)
      .then((reply: UpdateReply) => {
        if (reply.ok) return settle({}, false);
        if (reply.error === "read-only") return settle({ error: reply.error, canWrite: false }, false);
        if (reply.error === "too-large" || reply.error === "document-full" || reply.error === "forbidden") return settle({ error: reply.error }, false);
        // Passing refusals (throttled, unavailable, not joined): the next join sends what the server lacks.
        settle({ error: reply.error, unsent: true }, true);
      })
      .catch(() => settle({ unsent: true }, true));
  }

  private onRejoin = (message: { documentId?: string }): void => {
    if (message?.documentId !== this.documentId || this.destroyed) return;
    this.joined = false;
    this.set({ synced: false, unsent: true });
    void this.join();
  };

  private onRemoteUpdate = (message: UpdateMessage): void => {
    if (message?.documentId !== this.documentId) return;
    const update = toBytes(message.update);
    if (update) Y.applyUpdate(this.doc, update, this);
  };

  private onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this || !this.joined) return;
    const changed = [...added, ...updated, ...removed];
    if (!changed.includes(this.doc.clientID)) return;
    this.socket.emit(EVENTS.awareness, {
      documentId: this.documentId,
      update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]),
    } satisfies AwarenessMessage);
  };

  private onRemoteAwareness = (message: AwarenessMessage): void => {
    if (message?.documentId !== this.documentId) return;
    const update = toBytes(message.update);
    if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this);
  };
}

/** An encoded update with no struct and no deletion is two zero bytes. */
function hasContent(update: Uint8Array): boolean {
  return !(update.byteLength === 2 && update[0] === 0 && update[1] === 0);
}
