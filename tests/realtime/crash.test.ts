import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { EVENTS, type UpdateReply } from "../../realtime/protocol.ts";
import { durableStorage, freePort, startChildServer, type ChildServer } from "../support/child-server.ts";
import { openEditor, openSocket, sessionCookieFor, waitFor, whenSynced } from "../support/collab.ts";
import { HttpClient } from "../support/http-client.ts";

const editors = ["direction@ccas-ermont.demo.tablee.fr", "elu@ccas-franconville.demo.tablee.fr", "agent@ccas-taverny.demo.tablee.fr"];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});


describe("a server killed with SIGKILL in the middle of a burst of edits", () => {
  it("keeps every update it acknowledged, and clients converge after the restart", async () => {
    const env = await durableStorage(cleanups);
    const port = await freePort();
    let server: ChildServer = await startChildServer(env, port);
    cleanups.push(() => server.stop());
    const http = new HttpClient(server.url);
    await http.signIn(editors[0]!);
    const created = await http.post("/reseaux/tables-rondes-inter-ccas-du-val-parisis/notes", { title: "Compte rendu de la table ronde" });
    expect(created.status).toBe(302);
    const documentId = created.location!.split("/").pop()!;
    const cookies = await Promise.all(editors.map((email) => sessionCookieFor(server.url, email)));

    // Three writers, each sending its own numbered tokens as fast as it can, and noting which the server acknowledged.
    const acknowledged = new Set<string>();
    const sent = new Set<string>();
    const writers = cookies.map((cookie, writer) => {
      const socket = openSocket(server.url, cookie);
      const doc = new Y.Doc();
      // Like any client, apply what the others write (the server relays it to the document's room).
      socket.on(EVENTS.update, (message: { documentId: string; update: ArrayBuffer }) => {
        if (message.documentId === documentId) Y.applyUpdate(doc, new Uint8Array(message.update), "remote");
      });
      return { socket, doc, writer };
    });
    cleanups.push(() => writers.forEach(({ socket }) => socket.close()));
    await Promise.all(
      writers.map(({ socket }) =>
        socket.timeout(10_000).emitWithAck(EVENTS.join, { documentId, stateVector: Y.encodeStateVector(new Y.Doc()) }),
      ),
    );
    let stop = false;
    const bursts = writers.map(async ({ socket, doc, writer }) => {
      const text = doc.getText("body");
      for (let index = 0; !stop && index < 5000; index++) {
        const token = `[w${writer}-${index}]`;
        let update: Uint8Array | undefined;
        const capture = (u: Uint8Array, origin: unknown) => {
          if (origin !== "remote") update = u;
        };
        doc.once("update", capture);
        text.insert(text.length, token);
        sent.add(token);
        socket
          .timeout(5_000)
          .emitWithAck(EVENTS.update, { documentId, update })
          .then((reply: UpdateReply) => reply.ok && acknowledged.add(token))
          .catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
    await waitFor(() => acknowledged.size >= 150, 20_000, "premiers accusés de réception");
    await server.kill();
    stop = true;
    await Promise.all(bursts);
    const acknowledgedAtKill = [...acknowledged];
    expect(acknowledgedAtKill.length).toBeGreaterThanOrEqual(150);

    server = await startChildServer({ ...env, TABLEE_DEMO: "0" }, port);
    // A fresh reader after the restart: everything acknowledged must be there.
    const reader = openEditor(server.url, await sessionCookieFor(server.url, editors[0]!), documentId);
    cleanups.push(() => reader.close());
    await whenSynced(reader);
    const stored = reader.doc.getText("body").toString();
    const missing = acknowledgedAtKill.filter((token) => !stored.includes(token));
    expect(missing).toEqual([]);

    // The writers' own sockets reconnect to the restarted server and, re-joining, converge with the reader.
    const providers = writers;
    for (const { socket, doc } of providers) {
      await waitFor(() => socket.connected, 20_000, "reconnexion");
      const reply = await socket.timeout(10_000).emitWithAck(EVENTS.join, { documentId, stateVector: Y.encodeStateVector(doc) });
      expect(reply.ok).toBe(true);
      Y.applyUpdate(doc, new Uint8Array(reply.update));
      const missingOnServer = Y.encodeStateAsUpdate(doc, new Uint8Array(reply.stateVector));
      const answer: UpdateReply = await socket.timeout(10_000).emitWithAck(EVENTS.update, { documentId, update: missingOnServer });
      expect(answer.ok).toBe(true);
    }
    await waitFor(
      () => providers.every(({ doc }) => doc.getText("body").toString() === reader.doc.getText("body").toString()),
      15_000,
      "convergence après redémarrage",
    );
    const final = reader.doc.getText("body").toString();
    for (const token of sent) if (acknowledged.has(token)) expect(final).toContain(token);
  }, 180_000);
});
