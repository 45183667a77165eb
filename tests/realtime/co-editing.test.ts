import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { loadState } from "../../app/features/documents/persistence.server.ts";
import { openEditor, openSocket, sessionCookieFor, waitFor, whenSynced } from "../support/collab.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
let documentId: string;
const cookies: Record<string, string> = {};

async function networkId(slugPrefix: string): Promise<string> {
  const row = await app.database.db.selectFrom("networks").select("id").where("slug", "like", `${slugPrefix}%`).executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  app = await startTestApp({ realtime: { compactAfterQuietMs: 200 } });
  const document = await createDocument(app.database.db, {
    networkId: await networkId("tables-rondes"),
    kind: "note",
    title: "Notes de préparation",
    createdBy: null,
  });
  documentId = document.id;
  for (const email of ["direction@ccas-ermont.demo.tablee.fr", "elu@ccas-franconville.demo.tablee.fr", "coordination@payshaut.demo.tablee.fr"]) {
    cookies[email] = await sessionCookieFor(app.url, email);
  }
});
afterAll(async () => {
  await app?.close();
});

describe("co-editing over socket.io", () => {
  it("shows each editor's text to the other and stores it before acknowledging", async () => {
    const director = openEditor(app.url, cookies["direction@ccas-ermont.demo.tablee.fr"]!, documentId);
    const elected = openEditor(app.url, cookies["elu@ccas-franconville.demo.tablee.fr"]!, documentId);
    try {
      await Promise.all([whenSynced(director), whenSynced(elected)]);
      director.text.insert(0, "Accueil par le maire. ");
      elected.text.insert(0, "Point sur le registre canicule. ");
      await waitFor(() => director.text.toString() === elected.text.toString() && director.text.length > 30, 5000, "convergence");
      await Promise.all([director.provider.whenSaved(), elected.provider.whenSaved()]);
      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await loadState(app.database.db, documentId)).state);
      expect(stored.getText("test").toString()).toBe(director.text.toString());
      expect(director.text.toString()).toContain("Accueil par le maire.");
      expect(director.text.toString()).toContain("registre canicule");
    } finally {
      director.close();
      elected.close();
    }
  });

  it("refuses a member of another network", async () => {
    const outsider = openEditor(app.url, cookies["coordination@payshaut.demo.tablee.fr"]!, documentId);
    try {
      await waitFor(() => outsider.provider.current.error !== null, 5000, "refus");
      expect(outsider.provider.current.error).toBe("forbidden");
      expect(outsider.doc.getText("test").toString()).toBe("");
    } finally {
      outsider.close();
    }
  });

  it("refuses a socket without a session or from another site", async () => {
    const anonymous = openSocket(app.url, "");
    const foreign = openSocket(app.url, cookies["direction@ccas-ermont.demo.tablee.fr"]!, { origin: "https://attaquant.example" });
    try {
      const errors = await Promise.all(
        [anonymous, foreign].map((socket) => new Promise<string>((resolve) => socket.on("connect_error", (error) => resolve(error.message)))),
      );
      expect(errors[0]).toBe("unauthorized");
      expect(errors[1]).not.toBe("");
      expect(anonymous.connected || foreign.connected).toBe(false);
    } finally {
      anonymous.close();
      foreign.close();
    }
  });
});

describe("an edit whose acknowledgement was lost with the connection", () => {
  it("counts as saved after reconnecting only once the server has stored it", async () => {
    // Writes at least 400 ms apart: the second edit waits that long on its way to the disk.
    const slow = await startTestApp({ realtime: { groupCommitIntervalMs: 400 } });
    const network = await slow.database.db.selectFrom("networks").select("id").where("slug", "like", "tables-rondes%").executeTakeFirstOrThrow();
    const document = await createDocument(slow.database.db, { networkId: network.id, kind: "note", title: "Coupure", createdBy: null });
    const director = openEditor(slow.url, await sessionCookieFor(slow.url, "direction@ccas-ermont.demo.tablee.fr"), document.id);
    const elected = openEditor(slow.url, await sessionCookieFor(slow.url, "elu@ccas-franconville.demo.tablee.fr"), document.id);
    try {
      await Promise.all([whenSynced(director), whenSynced(elected)]);
      elected.text.insert(0, "Premier. ");
      await waitFor(() => director.text.toString() === "Premier. ", 5000, "premier relais");
      director.text.insert(director.text.length, "Envoyé juste avant la coupure.");
      // The server relays the edit at once (the other editor sees it) but stores it only later.
      await waitFor(() => elected.text.toString().includes("coupure"), 5000, "relais");
      director.socket.disconnect();
      director.socket.connect();
      await director.provider.whenSaved(5000);
      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await loadState(slow.database.db, document.id)).state);
      expect(stored.getText("test").toString()).toBe("Premier. Envoyé juste avant la coupure.");
    } finally {
      director.close();
      elected.close();
      await slow.close();
    }
  });
});
