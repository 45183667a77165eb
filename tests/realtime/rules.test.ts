import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { MAX_UPDATE_BYTES } from "../../app/features/documents/limits.ts";
import { loadState } from "../../app/features/documents/persistence.server.ts";
import { EVENTS, type JoinReply, type UpdateReply } from "../../realtime/protocol.ts";
import { openEditor, openSocket, sessionCookieFor, waitFor, whenSynced } from "../support/collab.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
let networkId: string;
let ermontId: string;

const ERMONT_DIRECTOR = "direction@ccas-ermont.demo.tablee.fr";
const FRANCONVILLE_ELECTED = "elu@ccas-franconville.demo.tablee.fr";

beforeAll(async () => {
  app = await startTestApp({ realtime: { releaseAfterIdleMs: 200, compactAfterQuietMs: 100 } });
  const db = app.database.db;
  networkId = (await db.selectFrom("networks").select("id").where("slug", "like", "tables-rondes%").executeTakeFirstOrThrow()).id;
  ermontId = (await db.selectFrom("organisations").select("id").where("inseeCode", "=", "95219").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await app?.close();
});

function textUpdate(content: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("test").insert(0, content);
  return Y.encodeStateAsUpdate(doc);
}

async function joinedSocket(email: string, documentId: string) {
  const socket = openSocket(app.url, await sessionCookieFor(app.url, email));
  const reply: JoinReply = await socket.timeout(10_000).emitWithAck(EVENTS.join, { documentId, stateVector: Y.encodeStateVector(new Y.Doc()) });
  return { socket, reply };
}

describe("who may write", () => {
  it("lets another CCAS read a practice note live but refuses its updates", async () => {
    const note = await createDocument(app.database.db, { networkId, kind: "practice", title: "Portage de repas à Ermont", ownerOrganisationId: ermontId, createdBy: null });
    const author = openEditor(app.url, await sessionCookieFor(app.url, ERMONT_DIRECTOR), note.id);
    const reader = openEditor(app.url, await sessionCookieFor(app.url, FRANCONVILLE_ELECTED), note.id);
    try {
      await Promise.all([whenSynced(author), whenSynced(reader)]);
      expect(author.provider.current.canWrite).toBe(true);
      expect(reader.provider.current.canWrite).toBe(false);
      author.text.insert(0, "Livraison le midi, 5 jours sur 7.");
      await waitFor(() => reader.text.toString() === "Livraison le midi, 5 jours sur 7.", 5000, "lecture en direct");
      const answer: UpdateReply = await reader.socket.timeout(5000).emitWithAck(EVENTS.update, { documentId: note.id, update: textUpdate("vandalisme") });
      expect(answer).toEqual({ ok: false, error: "read-only" });
      await author.provider.whenSaved();
      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await loadState(app.database.db, note.id)).state);
      expect(stored.getText("test").toString()).toBe("Livraison le midi, 5 jours sur 7.");
    } finally {
      author.close();
      reader.close();
    }
  });

  it("keeps a CCAS draft within that CCAS", async () => {
    const draft = await createDocument(app.database.db, {
      networkId,
      kind: "practice",
      title: "Brouillon",
      ownerOrganisationId: ermontId,
      visibility: "organisation",
      createdBy: null,
    });
    const expectations: Array<[string, JoinReply["ok"]]> = [
      [FRANCONVILLE_ELECTED, false],
      ["direction@ccas-franconville.demo.tablee.fr", false],
      ["coordination@payshaut.demo.tablee.fr", false],
      ["agent@ccas-ermont.demo.tablee.fr", true],
    ];
    for (const [email, allowed] of expectations) {
      const { socket, reply } = await joinedSocket(email, draft.id);
      socket.close();
      expect(reply.ok, email).toBe(allowed);
      if (!reply.ok) expect(reply.error).toBe("forbidden");
    }
  });

  it("stops a deactivated member's socket within seconds", async () => {
    const document = await createDocument(app.database.db, { networkId, kind: "note", title: "Préparation", createdBy: null });
    const { socket, reply } = await joinedSocket("agent@ccas-taverny.demo.tablee.fr", document.id);
    expect(reply.ok).toBe(true);
    const coordinator = new HttpClient(app.url);
    await coordinator.signIn("coordination@valparisis.demo.tablee.fr");
    const membership = await app.database.db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.userId")
      .where("users.email", "=", "agent@ccas-taverny.demo.tablee.fr")
      .select("memberships.id")
      .executeTakeFirstOrThrow();
    const deactivated = await coordinator.post("/reseaux/tables-rondes-inter-ccas-du-val-parisis/membres", {
      intent: "deactivate",
      membershipId: membership.id,
      confirm: "oui",
    });
    expect(deactivated.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5_200));
    const answer: UpdateReply | undefined = await socket
      .timeout(2000)
      .emitWithAck(EVENTS.update, { documentId: document.id, update: textUpdate("après désactivation") })
      .catch(() => undefined);
    expect(answer?.ok ?? false).toBe(false);
    await waitFor(() => !socket.connected, 3000, "déconnexion");
    socket.close();
  });
});

describe("presence", () => {
  it("shows each caret under its session's own name, whatever name a client declares", async () => {
    const db = app.database.db;
    const document = await createDocument(db, { networkId, kind: "note", title: "Présences", createdBy: null });
    const impostor = openEditor(app.url, await sessionCookieFor(app.url, ERMONT_DIRECTOR), document.id);
    const colleague = openEditor(app.url, await sessionCookieFor(app.url, FRANCONVILLE_ELECTED), document.id);
    try {
      await Promise.all([whenSynced(impostor), whenSynced(colleague)]);
      impostor.provider.awareness.setLocalStateField("user", { id: "quelqu-un-d-autre", name: "Maire de Paris", color: "#1f77b4" });
      const seen = () => colleague.provider.awareness.getStates().get(impostor.doc.clientID) as { user?: { id: string; name: string; color: string } } | undefined;
      await waitFor(() => seen()?.user !== undefined, 5000, "présence relayée");
      const director = await db.selectFrom("users").select(["id", "name"]).where("email", "=", ERMONT_DIRECTOR).executeTakeFirstOrThrow();
      expect(seen()!.user).toEqual({ id: director.id, name: director.name, color: "#1f77b4" });
    } finally {
      impostor.close();
      colleague.close();
    }
  });
});

describe("a failed write", () => {
  it("is not acknowledged, and the change is stored once the database answers again", async () => {
    const document = await createDocument(app.database.db, { networkId, kind: "note", title: "Panne", createdBy: null });
    const writer = openEditor(app.url, await sessionCookieFor(app.url, ERMONT_DIRECTOR), document.id);
    const reader = openEditor(app.url, await sessionCookieFor(app.url, FRANCONVILLE_ELECTED), document.id);
    try {
      await Promise.all([whenSynced(writer), whenSynced(reader)]);
      const commits = (app.server.realtime.registry as unknown as { commits: { store: (update: unknown) => Promise<void> } }).commits;
      const store = commits.store.bind(commits);
      let failures = 0;
      commits.store = async (update) => {
        if (failures === 0) {
          failures += 1;
          throw new Error("connexion à la base perdue");
        }
        return store(update);
      };
      writer.text.insert(0, "Écrit pendant la panne. ");
      await waitFor(() => failures === 1, 5000, "écriture ratée");
      await writer.provider.whenSaved(10_000);
      await waitFor(() => reader.text.toString() === writer.text.toString(), 5000, "convergence");
      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await loadState(app.database.db, document.id)).state);
      expect(stored.getText("test").toString()).toBe("Écrit pendant la panne. ");
      commits.store = store;
    } finally {
      writer.close();
      reader.close();
    }
  });
});

describe("limits", () => {
  it("refuses an update over 1 MB, and a burst beyond the rate limit, without storing them", async () => {
    const document = await createDocument(app.database.db, { networkId, kind: "note", title: "Limites", createdBy: null });
    const { socket } = await joinedSocket(ERMONT_DIRECTOR, document.id);
    try {
      const huge: UpdateReply = await socket
        .timeout(10_000)
        .emitWithAck(EVENTS.update, { documentId: document.id, update: textUpdate("x".repeat(MAX_UPDATE_BYTES + 10)) });
      expect(huge).toEqual({ ok: false, error: "too-large" });
      const garbage: UpdateReply = await socket.timeout(5000).emitWithAck(EVENTS.update, { documentId: document.id, update: new Uint8Array([255, 1, 2, 3, 9, 9]) });
      expect(garbage).toEqual({ ok: false, error: "invalid" });
      const doc = new Y.Doc();
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, index) => {
          let update!: Uint8Array;
          doc.once("update", (u: Uint8Array) => (update = u));
          doc.getText("test").insert(0, `${index},`);
          return socket.timeout(10_000).emitWithAck(EVENTS.update, { documentId: document.id, update }) as Promise<UpdateReply>;
        }),
      );
      const refused = replies.filter((reply) => !reply.ok);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((reply) => !reply.ok && reply.error === "throttled")).toBe(true);
      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await loadState(app.database.db, document.id)).state);
      expect(stored.getText("test").toString()).not.toContain("x".repeat(100));
    } finally {
      socket.close();
    }
  });

  it("releases a document's memory once nobody has it open", async () => {
    const document = await createDocument(app.database.db, { networkId, kind: "note", title: "Mémoire", createdBy: null });
    const editor = openEditor(app.url, await sessionCookieFor(app.url, ERMONT_DIRECTOR), document.id);
    await whenSynced(editor);
    editor.text.insert(0, "Texte gardé en mémoire");
    await editor.provider.whenSaved();
    expect(app.server.realtime.registry.has(document.id)).toBe(true);
    editor.close();
    await waitFor(() => !app.server.realtime.registry.has(document.id), 5000, "libération");
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await loadState(app.database.db, document.id)).state);
    expect(stored.getText("test").toString()).toBe("Texte gardé en mémoire");
  });

  it("releases a document whose opener left while the server was reading it", async () => {
    const document = await createDocument(app.database.db, { networkId, kind: "note", title: "Ouverte puis quittée", createdBy: null });
    const opener = openSocket(app.url, await sessionCookieFor(app.url, ERMONT_DIRECTOR));
    await new Promise<void>((resolve) => opener.once("connect", () => resolve()));
    // The documents table locked: the join waits on its read of the document while its socket leaves.
    await app.database.db.transaction().execute(async (tx) => {
      await sql`lock table documents in access exclusive mode`.execute(tx);
      opener.emit(EVENTS.join, { documentId: document.id, stateVector: Y.encodeStateVector(new Y.Doc()) }, () => {});
      await sleep(300);
      opener.disconnect();
      await sleep(300);
    });
    // The join resumes once the lock is gone; the document is not held before it does, so give it time to.
    await sleep(500);
    await waitFor(() => !app.server.realtime.registry.has(document.id), 5000, "libération");
  });
});
