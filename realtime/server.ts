import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import { Server, type Socket } from "socket.io";
import type { DB } from "../db/client.ts";
import { loadActor } from "../app/features/auth/actor.server.ts";
import { can, type Actor } from "../app/features/auth/permissions.ts";
import { resolveSession, sessionCookie } from "../app/features/auth/sessions.server.ts";
import { findDocument, type DocumentRecord } from "../app/features/documents/documents.server.ts";
import { MAX_UPDATE_BYTES, UPDATE_BURST, UPDATE_RATE_PER_SECOND } from "../app/features/documents/limits.ts";
import { findMeeting } from "../app/features/roundtables/meetings.server.ts";
import { AGENDA_EVENTS, agendaRoom, type AgendaWatchReply, type AgendaWatchRequest } from "./agenda-protocol.ts";
import { withSessionIdentity } from "./awareness-identity.ts";
import { DocumentRegistry, type RegistryTuning } from "./collab/registry.ts";
import { UpdateBatcher } from "./collab/update-batcher.ts";
import {
  EVENTS,
  toBytes,
  type AwarenessMessage,
  type JoinReply,
  type JoinRequest,
  type UpdateMessage,
  type UpdateReply,
} from "./protocol.ts";

/** How long a socket's rights are trusted before they are checked again against the database. */
const RIGHTS_TTL_MS = 5_000;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SocketData {
  userId: string;
  /** The name shown next to this user's caret, from the database (never the one a client declares). */
  userName: string;
  sessionHash: string;
  token: string;
  actor: Actor;
  checkedAt: number;
  documents: Map<string, DocumentRecord>;
  tokens: number;
  refilledAt: number;
}

export interface RealtimeOptions {
  db: DB;
  sessionSecret: string;
  publicUrl?: string;
  /** Set when several processes share one PostgreSQL: rooms and documents are kept in step through it. */
  databaseUrl?: string;
  log?: (line: string) => void;
  registry?: RegistryTuning;
}

export interface Realtime {
  io: Server;
  registry: DocumentRegistry;
  /** Broadcasts a server-made change (a restored version) to everyone holding the document. */
  broadcastUpdate(documentId: string, update: Uint8Array): void;
  /** Tells everyone watching a meeting's agenda (on every process) that it changed. */
  agendaChanged(meetingId: string): void;
  close(): Promise<void>;
}

export function attachRealtime(httpServer: HttpServer, options: RealtimeOptions): Realtime {
  const log = options.log ?? (() => {});
  const cookie = sessionCookie(options.sessionSecret);
  const configuredOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  const room = (documentId: string) => `doc:${documentId}`;
  const registry = new DocumentRegistry({
    db: options.db,
    log,
    ...options.registry,
    onEvict: (documentId) => {
      io.to(room(documentId)).emit(EVENTS.rejoin, { documentId });
      toPeers(EVENTS.peerEvict, documentId, new Uint8Array());
    },
    onMissed: (documentId, update) => io.local.to(room(documentId)).emit(EVENTS.update, { documentId, update }),
  });
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_UPDATE_BYTES + 64 * 1024,
    // Cross-site WebSocket hijacking: only pages of our own origin may open a socket.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      let allowed = false;
      try {
        allowed = Boolean(origin) && (new URL(origin!).host === req.headers.host || origin === configuredOrigin);
      } catch {
        allowed = false;
      }
      callback(null, allowed);
    },
  });
  let pool: pg.Pool | undefined;
  if (options.databaseUrl) {
    pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
    let linkLost = false;
    pool.on("error", (error) => {
      linkLost = true;
      log(`Adaptateur socket.io : ${error.message}`);
    });
    // The adapter keeps one client checked out for LISTEN and reconnects when it ends, but gives it no
    // 'error' listener: a cut database connection would then crash the process (an unhandled 'error').
    // Once the link is back, what other processes stored meanwhile was never heard here: catch up from the database.
    pool.on("connect", (client) => {
      client.on("error", (error) => {
        linkLost = true;
        log(`Adaptateur socket.io, écoute interrompue : ${error.message}`);
      });
      if (linkLost) {
        linkLost = false;
        scheduleCatchUp();
      }
    });
    io.adapter(createAdapter(pool, { errorHandler: (error) => log(`Adaptateur socket.io : ${error.message}`) }));
  }

  // Twice: the LISTEN client may reconnect a moment after the first connection that told us the link is back.
  const catchUpTimers = new Set<NodeJS.Timeout>();
  function scheduleCatchUp() {
    for (const delay of [1_000, 5_000]) {
      const timer = setTimeout(() => {
        catchUpTimers.delete(timer);
        void registry.catchUp().then((missed) => {
          for (const { documentId, update } of missed) io.local.to(room(documentId)).emit(EVENTS.update, { documentId, update });
          if (missed.length) log(`Lien entre processus rétabli : ${missed.length} document(s) rattrapé(s).`);
        });
      }, delay);
      timer.unref();
      catchUpTimers.add(timer);
    }
  }

  /**
   * Tells the other app processes (none without a shared adapter). Updates and presence travel once between processes:
   * each process relays them to its own clients (`local` emits), instead of the adapter broadcasting them besides.
   */
  const toPeers = (event: string, documentId: string, update: Uint8Array) => {
    if (pool) io.serverSideEmit(event, documentId, update);
  };
  // Updates go out merged per turn of the event loop (collab/update-batcher.ts), to this process's clients and to the others.
  const toClients = new UpdateBatcher((documentId, update, except) => {
    const recipients = io.local.to(room(documentId));
    (except ? recipients.except(except) : recipients).emit(EVENTS.update, { documentId, update });
  });
  const toPeerProcesses = new UpdateBatcher((documentId, update) => toPeers(EVENTS.peerUpdate, documentId, update));
  const relayUpdate = (documentId: string, update: Uint8Array, sender: string | null) => {
    toClients.add(documentId, update, sender);
    if (pool) toPeerProcesses.add(documentId, update, null);
  };

  io.use(async (socket, next) => {
    try {
      const header = socket.handshake.headers.cookie;
      const token: unknown = header ? await cookie.parse(header) : null;
      const session = typeof token === "string" && token ? await resolveSession(options.db, token) : null;
      if (!session) return next(new Error("unauthorized"));
      const data = socket.data as SocketData;
      data.userId = session.userId;
      data.sessionHash = session.idHash;
      data.token = token as string;
      data.actor = await loadActor(options.db, session.userId);
      data.userName = (await options.db.selectFrom("users").select("name").where("id", "=", session.userId).executeTakeFirstOrThrow()).name;
      data.checkedAt = Date.now();
      data.documents = new Map();
      data.tokens = UPDATE_BURST;
      data.refilledAt = Date.now();
      next();
    } catch (error) {
      log(`Connexion temps réel refusée : ${String(error)}`);
      next(new Error("unavailable"));
    }
  });

  /**
   * One check per session at a time: the sockets of one session (tabs, editors of one page) share the database's
   * answer instead of asking it each, every RIGHTS_TTL_MS.
   */
  const rightsChecks = new Map<string, { at: number; check: Promise<Actor | null> }>();
  function checkRights(data: SocketData): { at: number; check: Promise<Actor | null> } {
    const cached = rightsChecks.get(data.sessionHash);
    if (cached && Date.now() - cached.at < RIGHTS_TTL_MS) return cached;
    const check = resolveSession(options.db, data.token).then((session) => (session ? loadActor(options.db, data.userId) : null));
    const fresh = { at: Date.now(), check };
    rightsChecks.set(data.sessionHash, fresh);
    check.catch(() => rightsChecks.delete(data.sessionHash));
    return fresh;
  }
  const forgetRightsChecks = setInterval(() => {
    for (const [sessionHash, { at }] of rightsChecks) if (Date.now() - at >= RIGHTS_TTL_MS) rightsChecks.delete(sessionHash);
  }, RIGHTS_TTL_MS);
  forgetRightsChecks.unref();

  /** Re-reads the session and memberships when the cached rights are stale; disconnects a revoked user. */
  async function currentActor(socket: Socket): Promise<Actor | null> {
    const data = socket.data as SocketData;
    if (Date.now() - data.checkedAt < RIGHTS_TTL_MS) return data.actor;
    const { at, check } = checkRights(data);
    const actor = await check;
    if (!actor) {
      socket.disconnect(true);
      return null;
    }
    data.actor = actor;
    // The answer is as old as the check it came from: rights are never trusted longer than RIGHTS_TTL_MS.
    data.checkedAt = at;
    return data.actor;
  }

  /**
   * The document for a socket's message, or null once the socket has disconnected: a handler resuming after its
   * socket left (while it read the database) would otherwise hold the document for a socket id whose disconnection
   * already released everything, and the document would never leave memory.
   */
  async function acquireFor(socket: Socket, documentId: string) {
    if (!socket.connected) return null;
    const entry = await registry.acquire(documentId, socket.id);
    if (socket.connected) return entry;
    registry.release(documentId, socket.id);
    return null;
  }

  function takeToken(socket: Socket): boolean {
    const data = socket.data as SocketData;
    const now = Date.now();
    data.tokens = Math.min(UPDATE_BURST, data.tokens + ((now - data.refilledAt) / 1000) * UPDATE_RATE_PER_SECOND);
    data.refilledAt = now;
    if (data.tokens < 1) return false;
    data.tokens -= 1;
    return true;
  }


  io.on("connection", (socket) => {
    const data = socket.data as SocketData;

    socket.on(EVENTS.join, async (request: JoinRequest, reply: (answer: JoinReply) => void) => {
      if (typeof reply !== "function") return;
      try {
        const documentId = request?.documentId;
        const stateVector = toBytes(request?.stateVector);
        if (typeof documentId !== "string" || !uuid.test(documentId) || !stateVector) return reply({ ok: false, error: "invalid" });
        const document = await findDocument(options.db, documentId);
        const actor = await currentActor(socket);
        if (!document || !actor) return reply({ ok: false, error: "not-found" });
        if (!can(actor, { action: "document.read", ...document })) return reply({ ok: false, error: "forbidden" });
        const entry = await acquireFor(socket, documentId);
        if (!entry) return reply({ ok: false, error: "unavailable" });
        data.documents.set(documentId, document);
        await socket.join(room(documentId));
        let update: Uint8Array;
        try {
          update = registry.encodeMissing(entry, stateVector);
        } catch {
          // A malformed state vector: send everything, the client ignores what it has.
          update = registry.encodeMissing(entry, new Uint8Array([0]));
        }
        const serverVector = registry.stateVector(entry);
        // The reply is what the server held at this moment, sent once all of it is stored; later updates reach the
        // client through the room it has joined.
        await registry.storedSoFar(entry);
        if (!registry.holds(entry)) return reply({ ok: false, error: "unavailable" });
        reply({
          ok: true,
          canWrite: can(actor, { action: "document.write", ...document }),
          update,
          stateVector: serverVector,
          awareness: registry.encodeAwareness(entry),
        });
      } catch (error) {
        log(`Ouverture de document impossible : ${String(error)}`);
        reply({ ok: false, error: "unavailable" });
      }
    });

    socket.on(EVENTS.update, async (message: UpdateMessage, reply: (answer: UpdateReply) => void) => {
      const answer = typeof reply === "function" ? reply : () => {};
      try {
        const documentId = message?.documentId;
        const update = toBytes(message?.update);
        const document = typeof documentId === "string" ? data.documents.get(documentId) : undefined;
        if (!document) return answer({ ok: false, error: "not-joined" });
        if (!update) return answer({ ok: false, error: "invalid" });
        if (update.byteLength > MAX_UPDATE_BYTES) return answer({ ok: false, error: "too-large" });
        const actor = await currentActor(socket);
        if (!actor || !can(actor, { action: "document.read", ...document })) return answer({ ok: false, error: "forbidden" });
        if (!can(actor, { action: "document.write", ...document })) return answer({ ok: false, error: "read-only" });
        if (!takeToken(socket)) return answer({ ok: false, error: "throttled" });
        const entry = await acquireFor(socket, document.id);
        if (!entry) return answer({ ok: false, error: "unavailable" });
        const result = await registry.applyClientUpdate(entry, update, data.userId, () => relayUpdate(document.id, update, socket.id));
        answer(result);
      } catch (error) {
        log(`Modification non enregistrée : ${String(error)}`);
        answer({ ok: false, error: "unavailable" });
      }
    });

    socket.on(EVENTS.awareness, async (message: AwarenessMessage) => {
      const documentId = message?.documentId;
      const declared = toBytes(message?.update);
      if (typeof documentId !== "string" || !data.documents.has(documentId) || !declared || declared.byteLength > 64 * 1024) return;
      const update = withSessionIdentity(declared, { id: data.userId, name: data.userName });
      if (!update) return;
      try {
        const entry = await acquireFor(socket, documentId);
        if (!entry) return;
        registry.applyAwareness(entry, update, socket.id);
        socket.to(room(documentId)).local.emit(EVENTS.awareness, { documentId, update });
        toPeers(EVENTS.peerAwareness, documentId, update);
      } catch {
        // Presence is best effort: a malformed or late message is dropped.
      }
    });

    // A meeting page watches its agenda; only members of the meeting's network may.
    socket.on(AGENDA_EVENTS.watch, async (request: AgendaWatchRequest, reply: (answer: AgendaWatchReply) => void) => {
      const answer = typeof reply === "function" ? reply : () => {};
      try {
        const meetingId = request?.meetingId;
        if (typeof meetingId !== "string" || !uuid.test(meetingId)) return answer({ ok: false, error: "invalid" });
        const meeting = await findMeeting(options.db, meetingId);
        const actor = await currentActor(socket);
        if (!meeting || !actor || !can(actor, { action: "network.view", networkId: meeting.networkId })) {
          return answer({ ok: false, error: "not-found" });
        }
        await socket.join(agendaRoom(meetingId));
        answer({ ok: true });
      } catch (error) {
        log(`Suivi de l'ordre du jour impossible : ${String(error)}`);
        answer({ ok: false, error: "unavailable" });
      }
    });
    socket.on(AGENDA_EVENTS.unwatch, (request: AgendaWatchRequest) => {
      if (typeof request?.meetingId === "string") void socket.leave(agendaRoom(request.meetingId));
    });

    const leave = (documentId: string) => {
      if (!data.documents.delete(documentId)) return;
      void socket.leave(room(documentId));
      const removal = registry.release(documentId, socket.id);
      if (removal) {
        socket.to(room(documentId)).local.emit(EVENTS.awareness, { documentId, update: removal });
        toPeers(EVENTS.peerAwareness, documentId, removal);
      }
    };
    socket.on(EVENTS.leave, (message: { documentId?: unknown }) => {
      if (typeof message?.documentId === "string") leave(message.documentId);
    });
    socket.on("disconnect", () => {
      for (const documentId of [...data.documents.keys()]) leave(documentId);
    });
  });

  // Another process's update or presence: kept in step here, and passed on to this process's clients of the document.
  io.on(EVENTS.peerUpdate, (documentId: string, update: unknown) => {
    const bytes = toBytes(update);
    if (!bytes) return;
    registry.applyPeerUpdate(documentId, bytes);
    toClients.add(documentId, bytes, null);
  });
  io.on(EVENTS.peerEvict, (documentId: string) => registry.evict(documentId));
  io.on(EVENTS.peerAwareness, (documentId: string, update: unknown) => {
    const bytes = toBytes(update);
    if (!bytes) return;
    registry.applyPeerAwareness(documentId, bytes);
    io.local.to(room(documentId)).emit(EVENTS.awareness, { documentId, update: bytes });
  });

  return {
    io,
    registry,
    broadcastUpdate(documentId, update) {
      relayUpdate(documentId, update, null);
    },
    agendaChanged(meetingId) {
      // Through the adapter when there is one: watchers on other processes hear it too.
      io.to(agendaRoom(meetingId)).emit(AGENDA_EVENTS.changed, { meetingId });
    },
    /**
     * Closes every connection as a server going away (clients reconnect, to
     * this process once restarted or to another), then stores what is
     * pending. socket.io also closes the HTTP server.
     */
    async close() {
      for (const timer of catchUpTimers) clearTimeout(timer);
      clearInterval(forgetRightsChecks);
      toClients.flush();
      toPeerProcesses.flush();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await registry.flushAll();
      registry.destroy();
      await pool?.end();
    },
  };
}
