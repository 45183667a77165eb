import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { documentSchema, FRAGMENT } from "../../app/features/documents/render.server.ts";
import { openEditor, sessionCookieFor, waitFor, whenSynced, type Editor } from "../support/collab.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
let networkId: string;
const slug = "tables-rondes-inter-ccas-du-val-parisis";
const AUTHOR = "direction@ccas-ermont.demo.tablee.fr";

beforeAll(async () => {
  app = await startTestApp({ realtime: { compactAfterQuietMs: 100 } });
  networkId = (await app.database.db.selectFrom("networks").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await app?.close();
});

/** Replaces the editor's rich text, as typing in the editor would. */
function write(editor: Editor, paragraphs: string[]) {
  const fragment = editor.doc.getXmlFragment(FRAGMENT);
  prosemirrorJSONToYXmlFragment(
    documentSchema,
    { type: "doc", content: paragraphs.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) },
    fragment,
  );
}

/** The page's HTML without the comments React puts between adjacent text parts. */
const html = (response: { text: string }) => response.text.replace(/<!-- -->/g, "");

function paragraphs(editor: Editor): string {
  return editor.doc.getXmlFragment(FRAGMENT).toArray().map((node) => (node as Y.XmlElement).toArray().map(String).join("")).join("\n");
}

describe("version history", () => {
  it("keeps named versions, shows what changed, and restores one for everyone connected", async () => {
    const document = await createDocument(app.database.db, { networkId, kind: "note", title: "Position commune sur le RSA", createdBy: null });
    const base = `/reseaux/${slug}/notes/${document.id}`;
    const author = openEditor(app.url, await sessionCookieFor(app.url, AUTHOR), document.id);
    const colleague = openEditor(app.url, await sessionCookieFor(app.url, "elu@ccas-franconville.demo.tablee.fr"), document.id);
    const http = new HttpClient(app.url);
    await http.signIn(AUTHOR);
    try {
      await Promise.all([whenSynced(author), whenSynced(colleague)]);
      write(author, ["Les CCAS demandent un référent RSA partagé."]);
      await author.provider.whenSaved();
      const saved = await http.post(`${base}/historique`, { intent: "save-version", label: "Version envoyée aux élus" });
      expect(saved.status).toBe(200);
      expect(html(saved)).toContain("Version « Version envoyée aux élus » enregistrée.");

      write(author, ["Les CCAS demandent deux référents RSA partagés.", "Financement : 60 % département."]);
      await author.provider.whenSaved();
      await http.post(`${base}/historique`, { intent: "save-version", label: "Après la réunion" });

      const revisions = await app.database.db
        .selectFrom("documentRevisions")
        .select(["id", "label"])
        .where("documentId", "=", document.id)
        .orderBy("id")
        .execute();
      const first = revisions.find((revision) => revision.label === "Version envoyée aux élus")!;
      const second = revisions.find((revision) => revision.label === "Après la réunion")!;
      const comparison = await http.get(`${base}/historique?de=${first.id}&a=${second.id}`);
      expect(html(comparison)).toMatch(/<del>un<\/del>/);
      expect(html(comparison)).toMatch(/<ins>[^<]*deux[^<]*<\/ins>/);
      expect(html(comparison)).toContain("Financement");

      const viewed = await http.get(`${base}/historique?version=${first.id}`);
      expect(html(viewed)).toContain("<p>Les CCAS demandent un référent RSA partagé.</p>");

      const confirm = await http.post(`${base}/historique`, { intent: "restore", revisionId: String(first.id) });
      expect(html(confirm)).toContain("Restaurer « Version envoyée aux élus » ?");
      expect(paragraphs(colleague)).toContain("deux référents");
      const restored = await http.post(`${base}/historique`, { intent: "restore", revisionId: String(first.id), confirm: "oui" });
      expect(html(restored)).toContain("Version restaurée");
      await waitFor(() => paragraphs(colleague) === "Les CCAS demandent un référent RSA partagé.", 5000, "restauration vue en direct");
      expect(paragraphs(author)).toBe("Les CCAS demandent un référent RSA partagé.");

      const after = await app.database.db.selectFrom("documentRevisions").select(["label", "contentText"]).where("documentId", "=", document.id).orderBy("id").execute();
      const beforeRestore = after.find((revision) => revision.label === "Avant restauration");
      expect(beforeRestore?.contentText).toContain("deux référents");
      expect(after.at(-1)?.label).toMatch(/^Restauration de « Version envoyée aux élus »/);
      const page = await http.get(base);
      expect(html(page)).toContain("Les CCAS demandent un référent RSA partagé.");
    } finally {
      author.close();
      colleague.close();
    }
  });

  it("lets a reader see the history but not save or restore versions", async () => {
    const ermont = await app.database.db.selectFrom("organisations").select("id").where("inseeCode", "=", "95219").executeTakeFirstOrThrow();
    const note = await createDocument(app.database.db, { networkId, kind: "practice", title: "Registre canicule", ownerOrganisationId: ermont.id, createdBy: null });
    const reader = new HttpClient(app.url);
    await reader.signIn("agent@ccas-franconville.demo.tablee.fr");
    const page = await reader.get(`/reseaux/${slug}/notes/${note.id}/historique`);
    expect(page.status).toBe(200);
    expect(html(page)).not.toContain("Enregistrer une version");
    const attempt = await reader.post(`/reseaux/${slug}/notes/${note.id}/historique`, { intent: "save-version", label: "Vandalisme" });
    expect(attempt.status).toBe(403);
    const outsider = new HttpClient(app.url);
    await outsider.signIn("coordination@payshaut.demo.tablee.fr");
    expect((await outsider.get(`/reseaux/${slug}/notes/${note.id}/historique`)).status).toBe(404);
  });
});
