import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { loadConfig } from "../../app/config.server.ts";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { loadState } from "../../app/features/documents/persistence.server.ts";
import type { DatabaseHandle } from "../../db/client.ts";
import { startServer, type RunningServer } from "../../server.ts";
import { freePort } from "../support/child-server.ts";
import { openEditor, sessionCookieFor, waitFor, whenSynced } from "../support/collab.ts";
import { backend, createTestDatabase } from "../support/database.ts";

/**
 * Two app instances on one PostgreSQL, each with its own pool, registry and
 * socket.io server, linked only through the database (the socket.io adapter).
 * The embedded database serves a single process, so this runs on PostgreSQL.
 */
describe.skipIf(backend !== "postgres")("two app processes on one PostgreSQL", () => {
  let database: DatabaseHandle;
  const servers: RunningServer[] = [];

  async function start(port: number): Promise<RunningServer> {
    const config = loadConfig({
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      DATABASE_URL: database.url!,
      SESSION_SECRET: "shared-secret-shared-secret-shared-00",
      TABLEE_DEMO: "0",
    });
    const server = await startServer({ config, port, log: () => {}, realtime: { compactAfterQuietMs: 100 } });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const server of servers) await server.close().catch(() => {});
    await database?.close();
  });

  it("lets clients on different processes co-edit, through a restart of one of them", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const first = await start(portA);
    let second = await start(portB);
    const networkId = (await database.db.selectFrom("networks").select("id").where("slug", "like", "tables-rondes%").executeTakeFirstOrThrow()).id;
    const document = await createDocument(database.db, { networkId, kind: "minutes", title: "Compte rendu", createdBy: null });
    const onFirst = openEditor(first.url, await sessionCookieFor(first.url, "direction@ccas-ermont.demo.tablee.fr"), document.id);
    const onSecond = openEditor(second.url, await sessionCookieFor(second.url, "elu@ccas-franconville.demo.tablee.fr"), document.id);
    try {
      await Promise.all([whenSynced(onFirst), whenSynced(onSecond)]);
      onFirst.text.insert(0, "Présents : Ermont, Franconville. ");
      await waitFor(() => onSecond.text.toString().includes("Présents"), 5000, "propagation A → B");
      onSecond.text.insert(onSecond.text.length, "Décision : achat groupé de l'ABS. ");
      await waitFor(() => onFirst.text.toString().includes("Décision"), 5000, "propagation B → A");

      // Process B goes away; its client keeps typing offline, then B comes back on the same port.
      await second.close();
      servers.splice(servers.indexOf(second), 1);
      onSecond.text.insert(onSecond.text.length, "Action : relancer le prestataire. ");
      onFirst.text.insert(onFirst.text.length, "Prochaine réunion à Taverny. ");
      second = await start(portB);
      await waitFor(() => onSecond.socket.connected && onSecond.provider.current.synced, 15_000, "reconnexion à B");
      await Promise.all([onFirst.provider.whenSaved(15_000), onSecond.provider.whenSaved(15_000)]);
      await waitFor(() => onFirst.text.toString() === onSecond.text.toString(), 10_000, "convergence");
      const final = onFirst.text.toString();
      for (const part of ["Présents", "Décision", "relancer le prestataire", "Taverny"]) expect(final).toContain(part);

      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await loadState(database.db, document.id)).state);
      expect(stored.getText("test").toString()).toBe(final);
    } finally {
      onFirst.close();
      onSecond.close();
    }
  }, 90_000);
});
