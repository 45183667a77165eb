import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { DatabaseHandle, DB } from "../../db/client.ts";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { appendUpdate, compactDocument, compactLiveDocument, loadState } from "../../app/features/documents/persistence.server.ts";
import { DocumentRegistry } from "../../realtime/collab/registry.ts";
import { createTestDatabase } from "../support/database.ts";
import { loadDemoNetworks } from "../support/fixtures.ts";

/**
 * Compaction starts from the process's live copy of a document (no rebuild from the database), yet loses nothing
 * another process stored: rows this process never heard of, and a snapshot someone else rewrote meanwhile.
 */

let database: DatabaseHandle;
let db: DB;
let networkId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  networkId = (await loadDemoNetworks(db)).valParisis.id;
});
afterAll(async () => {
  await database?.close();
});

/** An update typing `text` at the end of the shared text of a document whose state is `base`. */
function typed(base: Uint8Array, text: string): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const captured: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => captured.push(update));
  doc.getText("body").insert(doc.getText("body").length, text);
  return Y.mergeUpdates(captured);
}

const storedText = async (documentId: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await loadState(db, documentId)).state);
  return doc.getText("body").toString();
};

describe("compaction from the live document", () => {
  it("folds in what another process stored, tells this process's clients, and keeps every update", async () => {
    const document = await createDocument(db, { networkId, kind: "note", title: "Compactage", createdBy: null });
    const missed: Uint8Array[] = [];
    const registry = new DocumentRegistry({ db, onMissed: (_documentId, update) => missed.push(update) });
    try {
      const entry = await registry.acquire(document.id, "socket-a");
      // Stored by another process whose message never reached this one.
      await appendUpdate(db, document.id, typed(Y.encodeStateAsUpdate(new Y.Doc()), "Ailleurs. "), null);
      expect(await registry.applyClientUpdate(entry, typed(Y.encodeStateAsUpdate(entry.doc), "Ici. "), null, () => {})).toEqual({ ok: true });

      await registry.compact(entry);
      expect(entry.doc.getText("body").toString()).toContain("Ailleurs.");
      const heard = new Y.Doc();
      for (const update of missed) Y.applyUpdate(heard, update);
      expect(heard.getText("body").toString()).toBe("Ailleurs. ");
      expect(await db.selectFrom("documentUpdates").select("id").where("documentId", "=", document.id).execute()).toEqual([]);
      expect((await storedText(document.id)).length).toBe("Ailleurs. Ici. ".length);

      // Another process compacts (a page view, a version) after storing one more update: the snapshot is rewritten.
      await appendUpdate(db, document.id, typed((await loadState(db, document.id)).state, "Troisième. "), null);
      await compactDocument(db, document.id, { autoRevision: false });
      expect(await registry.applyClientUpdate(entry, typed(Y.encodeStateAsUpdate(entry.doc), "Quatrième."), null, () => {})).toEqual({ ok: true });
      await registry.compact(entry);

      const text = await storedText(document.id);
      for (const part of ["Ailleurs.", "Ici.", "Troisième.", "Quatrième."]) expect(text).toContain(part);
      expect(entry.doc.getText("body").toString()).toBe(text);
    } finally {
      await registry.flushAll();
      registry.destroy();
    }
  });

  it("gives a reader every update even while other processes compact the document", async () => {
    const document = await createDocument(db, { networkId, kind: "note", title: "Lecture pendant compactage", createdBy: null });
    const written: string[] = [];
    for (let round = 0; round < 80; round++) {
      const part = `Partie ${round}. `;
      await appendUpdate(db, document.id, typed((await loadState(db, document.id)).state, part), null);
      written.push(part);
      // A compaction commits while readers load: each must see the old snapshot with its updates, or the new one.
      const [, ...texts] = await Promise.all([compactDocument(db, document.id, { autoRevision: false }), ...Array.from({ length: 8 }, () => storedText(document.id))]);
      for (const text of texts) expect(text, `tour ${round}`).toBe(written.join(""));
    }
  });

  it("renders the snapshot from the live copy, for readers and search", async () => {
    const document = await createDocument(db, { networkId, kind: "note", title: "Rendu", createdBy: null });
    const registry = new DocumentRegistry({ db });
    try {
      const entry = await registry.acquire(document.id, "socket-a");
      const editor = new Y.Doc();
      Y.applyUpdate(editor, Y.encodeStateAsUpdate(entry.doc));
      const captured: Uint8Array[] = [];
      editor.on("update", (update: Uint8Array) => captured.push(update));
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Portage de repas le samedi.")]);
      editor.getXmlFragment("default").insert(0, [paragraph]);
      await registry.applyClientUpdate(entry, Y.mergeUpdates(captured), null, () => {});
      await registry.compact(entry);
      const snapshot = await db.selectFrom("documentSnapshots").select(["contentText", "contentHtml"]).where("documentId", "=", document.id).executeTakeFirstOrThrow();
      expect(snapshot.contentText).toBe("Portage de repas le samedi.");
      expect(snapshot.contentHtml).toContain("<p>Portage de repas le samedi.</p>");
    } finally {
      registry.destroy();
    }
  });

  it("keeps an automatic version at most every five minutes of editing, and only when the text changed", async () => {
    const document = await createDocument(db, { networkId, kind: "note", title: "Versions", createdBy: null });
    const doc = new Y.Doc();
    let mark: number | null = null;
    const editAndCompact = async (text: string | null, minutes: number) => {
      if (text !== null) await appendUpdate(db, document.id, typed(Y.encodeStateAsUpdate(doc), text), null);
      const result = await compactLiveDocument(db, document.id, doc, { knownSnapshotMark: mark, now: new Date(Date.UTC(2026, 10, 23, 9, minutes)) });
      mark = result.snapshotMark;
      return result.revisionId;
    };
    const paragraph = (text: string) => {
      const element = new Y.XmlElement("paragraph");
      element.insert(0, [new Y.XmlText(text)]);
      return element;
    };
    const write = async (text: string, minutes: number) => {
      const captured: Uint8Array[] = [];
      const listen = (update: Uint8Array) => captured.push(update);
      doc.on("update", listen);
      doc.getXmlFragment("default").insert(doc.getXmlFragment("default").length, [paragraph(text)]);
      doc.off("update", listen);
      await appendUpdate(db, document.id, Y.mergeUpdates(captured), null);
      return editAndCompact(null, minutes);
    };
    expect(await write("Ordre du jour.", 0)).not.toBeNull();
    expect(await write("Point 1.", 2)).toBeNull();
    expect(await write("Point 2.", 6)).not.toBeNull();
    // Five minutes later but only the shared text outside the rich text changed: same content, no new version.
    expect(await editAndCompact("hors texte", 12)).toBeNull();
    const revisions = await db.selectFrom("documentRevisions").select(["reason", "contentText"]).where("documentId", "=", document.id).orderBy("id").execute();
    expect(revisions).toEqual([
      { reason: "auto", contentText: "Ordre du jour." },
      { reason: "auto", contentText: "Ordre du jour.\nPoint 1.\nPoint 2." },
    ]);
  });

  it("serves a stored document to newcomers without building it in memory, and builds it for the first edit", async () => {
    const document = await createDocument(db, { networkId, kind: "note", title: "Gros document", createdBy: null });
    const base = typed(Y.encodeStateAsUpdate(new Y.Doc()), "Texte déjà enregistré. ");
    await appendUpdate(db, document.id, base, null);
    await compactDocument(db, document.id, { autoRevision: false });
    const registry = new DocumentRegistry({ db });
    try {
      const entry = await registry.acquire(document.id, "reader");
      expect(entry.unbuilt).not.toBeNull();
      expect(entry.doc.getText("body").toString()).toBe("");
      const newcomer = new Y.Doc();
      Y.applyUpdate(newcomer, registry.encodeMissing(entry, Y.encodeStateVector(new Y.Doc())));
      expect(newcomer.getText("body").toString()).toBe("Texte déjà enregistré. ");
      const expected = new Y.Doc();
      Y.applyUpdate(expected, base);
      expect(registry.stateVector(entry)).toEqual(Y.encodeStateVector(expected));
      // A client that has the text already receives nothing it holds.
      const upToDate = registry.encodeMissing(entry, Y.encodeStateVector(newcomer));
      const check = new Y.Doc();
      Y.applyUpdate(check, upToDate);
      expect(check.getText("body").toString()).toBe("");
      expect(entry.unbuilt).not.toBeNull();

      expect(await registry.applyClientUpdate(entry, typed(base, "Ajout."), null, () => {})).toEqual({ ok: true });
      expect(entry.unbuilt).toBeNull();
      expect(entry.doc.getText("body").toString()).toBe("Texte déjà enregistré. Ajout.");
      const late = new Y.Doc();
      Y.applyUpdate(late, registry.encodeMissing(entry, Y.encodeStateVector(new Y.Doc())));
      expect(late.getText("body").toString()).toBe("Texte déjà enregistré. Ajout.");
    } finally {
      await registry.flushAll();
      registry.destroy();
    }
  });
});
