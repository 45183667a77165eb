import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import {
  COORDINATOR,
  ERMONT_ELECTED,
  ERMONT_STAFF,
  FRANCONVILLE_DIRECTOR,
  FRANCONVILLE_STAFF,
  knowledgeRequests,
  OUTSIDER,
  OUTSIDER_DIRECTOR,
} from "../support/knowledge.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * The watch wiki and practice notes through HTTP, on the real app and database,
 * with who may and may not read, write and propose them.
 */

let app: TestApp;
let valParisis: DemoNetwork;
let paysHaut: DemoNetwork;

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis, paysHaut } = await loadDemoNetworks(app.database.db));
});
afterAll(async () => {
  await app?.close();
});

const { as, post, get, createPage: createPageIn } = knowledgeRequests(() => app.url);

const wiki = () => `/reseaux/${valParisis.slug}/veille`;
const notes = () => `/reseaux/${valParisis.slug}/fiches`;
const createPage = (email: string, title: string, extra: Record<string, string> = {}) => createPageIn(email, wiki(), title, extra);

describe("watch wiki over HTTP", () => {
  it("lets a staff member create a page, another CCAS read and edit its facts, and lists it in its section", async () => {
    expect((await post(ERMONT_STAFF(), `${wiki()}?index`, { intent: "section", title: "Santé mentale" })).status).toBe(200);
    const section = await app.database.db.selectFrom("wikiSections").select("id").where("networkId", "=", valParisis.id).where("title", "=", "Santé mentale").executeTakeFirstOrThrow();
    const id = await createPage(ERMONT_STAFF(), "Hospitalisation d'office : mesures provisoires du maire", { sectionId: section.id });
    const page = await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`);
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain("Hospitalisation d'office : mesures provisoires du maire");

    const themes = await app.database.db.selectFrom("networkThemes").select(["id", "label"]).where("networkId", "=", valParisis.id).execute();
    const mentalHealth = themes.find((theme) => theme.label === "Santé mentale")!.id;
    const updated = await post(FRANCONVILLE_STAFF(), `${wiki()}/${id}`, {
      intent: "update",
      title: "SDRE : mesures provisoires du maire",
      sectionId: section.id,
      themes: mentalHealth,
      reviewOn: "2099-06-30",
      "legalReferences[0].code": "CSP",
      "legalReferences[0].article": "L3213-2",
      "legalReferences[0].url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031972010",
      "legalReferences[0].effectiveOn": "",
      "legalReferences[1].code": "",
    });
    expect(updated.status).toBe(200);
    expect(visibleText(updated.text)).toContain("Informations enregistrées.");
    const reread = visibleText((await get(ERMONT_ELECTED(), `${wiki()}/${id}`)).text);
    expect(reread).toContain("SDRE : mesures provisoires du maire");
    expect(reread).toContain("CSP, art. L3213-2");
    expect(reread).toContain("Santé mentale");
    const list = visibleText((await get(COORDINATOR(), wiki())).text);
    expect(list).toContain("SDRE : mesures provisoires du maire");
  });

  it("answers refused facts in French next to the fields, keeping what was typed", async () => {
    const id = await createPage(ERMONT_STAFF(), "Domiciliation : obligations du CCAS");
    const refused = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "update", title: "Do", reviewOn: "2001-01-01" });
    expect(refused.status).toBe(200);
    const text = visibleText(refused.text);
    expect(text).toContain("Le titre doit faire au moins 3 caractères.");
    expect(refused.text).toContain('value="2001-01-01"');
    const empty = await post(ERMONT_STAFF(), `${wiki()}?index`, { intent: "page", title: "" });
    expect(visibleText(empty.text)).toContain("Le titre doit faire au moins 3 caractères.");
    const past = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "update", title: "Domiciliation", reviewOn: "2001-01-01" });
    expect(visibleText(past.text)).toContain("La date de révision doit être aujourd'hui ou plus tard.");
  });

  it("flags a page past its review date as « à revoir » and lists it for its owner", async () => {
    const id = await createPage(ERMONT_STAFF(), "Aide sociale légale : révision annuelle");
    await app.database.db.updateTable("documents").set({ reviewOn: "2020-01-01" }).where("id", "=", id).execute();
    expect(visibleText((await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`)).text)).toContain("À revoir :");
    expect(visibleText((await get(ERMONT_STAFF(), wiki())).text)).toContain("Vos pages à revoir");
    expect(visibleText((await get(FRANCONVILLE_STAFF(), wiki())).text)).not.toContain("Vos pages à revoir");
  });

  it("hides the wiki and its pages from another network, and leaves section order to the coordinators", async () => {
    const id = await createPage(ERMONT_STAFF(), "Page du Val Parisis");
    expect((await get(OUTSIDER(), `${wiki()}/${id}`)).status).toBe(404);
    expect((await get(OUTSIDER(), wiki())).status).toBe(404);
    expect((await post(OUTSIDER(), `${wiki()}/${id}`, { intent: "update", title: "Piraté" })).status).toBe(404);
    expect((await get(OUTSIDER(), `/reseaux/${paysHaut.slug}/veille/${id}`)).status).toBe(404);
    const section = await app.database.db.selectFrom("wikiSections").select("id").where("networkId", "=", valParisis.id).executeTakeFirstOrThrow();
    expect((await post(ERMONT_STAFF(), `${wiki()}?index`, { intent: "move-section", sectionId: section.id, direction: "down" })).status).toBe(403);
    expect((await post(COORDINATOR(), `${wiki()}?index`, { intent: "move-section", sectionId: section.id, direction: "down" })).status).toBe(200);
    expect((await post(ERMONT_STAFF(), `${wiki()}?index`, { intent: "rename-section", sectionId: section.id, title: "Renommée" })).status).toBe(403);
    expect((await post(OUTSIDER(), `${wiki()}?index`, { intent: "rename-section", sectionId: section.id, title: "Renommée" })).status).toBe(404);
    const renamed = await post(COORDINATOR(), `${wiki()}?index`, { intent: "rename-section", sectionId: section.id, title: "Psychiatrie et santé mentale" });
    expect(visibleText(renamed.text)).toContain("Section renommée en « Psychiatrie et santé mentale ».");
  });
});

describe("practice notes over HTTP", () => {
  it("creates a draft seen by its CCAS only, publishes it, and keeps editing to its CCAS", async () => {
    const created = await post(ERMONT_STAFF(), `${notes()}?index`, { title: "Portage de repas : notre organisation", organisationId: orgId(valParisis, ERMONT) });
    expect(created.status).toBe(302);
    const id = created.location!.split("/").pop()!;
    expect((await get(FRANCONVILLE_DIRECTOR(), `${notes()}/${id}`)).status).toBe(404);
    expect(visibleText((await get(FRANCONVILLE_DIRECTOR(), notes())).text)).not.toContain("Portage de repas : notre organisation");
    expect(visibleText((await get(ERMONT_ELECTED(), `${notes()}/${id}`)).text)).toContain("Brouillon");

    const published = await post(ERMONT_ELECTED(), `${notes()}/${id}`, { intent: "update", title: "Portage de repas : notre organisation", published: "on", cost: "12 000 € par an" });
    expect(visibleText(published.text)).toContain("Informations enregistrées.");
    const seen = visibleText((await get(FRANCONVILLE_DIRECTOR(), `${notes()}/${id}`)).text);
    expect(seen).toContain("12 000 € par an");
    expect(seen).not.toContain("Modifier les informations");
    expect((await post(FRANCONVILLE_DIRECTOR(), `${notes()}/${id}`, { intent: "update", title: "Détournée" })).status).toBe(403);
    expect(visibleText((await get(FRANCONVILLE_STAFF(), `${notes()}?ccas=${orgId(valParisis, ERMONT)}`)).text)).toContain("Portage de repas : notre organisation");
  });

  it("refuses a note in the name of another CCAS or from another network", async () => {
    expect((await post(ERMONT_STAFF(), `${notes()}?index`, { title: "Usurpation", organisationId: orgId(valParisis, FRANCONVILLE) })).status).toBe(403);
    expect((await post(OUTSIDER_DIRECTOR(), `${notes()}?index`, { title: "Intrusion", organisationId: orgId(valParisis, ERMONT) })).status).toBe(404);
  });
});

describe("from knowledge to the agenda", () => {
  it("proposes a page to the next round table, linked both ways", async () => {
    const id = await createPage(ERMONT_STAFF(), "RSA : loi pour le plein emploi");
    const proposed = await post(FRANCONVILLE_STAFF(), `${wiki()}/${id}`, { intent: "propose", kind: "information", estimatedMinutes: "15" });
    expect(visibleText(proposed.text)).toContain("Proposé à l'ordre du jour de la prochaine table ronde.");
    const link = await app.database.db
      .selectFrom("agendaItemDocuments")
      .innerJoin("agendaItems", "agendaItems.id", "agendaItemDocuments.agendaItemId")
      .select(["agendaItems.meetingId", "agendaItems.title", "agendaItems.proposedBy"])
      .where("agendaItemDocuments.documentId", "=", id)
      .executeTakeFirstOrThrow();
    expect(link.title).toBe("RSA : loi pour le plein emploi");
    const meeting = visibleText((await get(COORDINATOR(), `/reseaux/${valParisis.slug}/tables-rondes/${link.meetingId}`)).text);
    expect(meeting).toContain("RSA : loi pour le plein emploi");
    expect(meeting).toContain("Veille : RSA : loi pour le plein emploi");
    expect(visibleText((await get(ERMONT_STAFF(), `${wiki()}/${id}`)).text)).toMatch(/Table ronde du .* à /);
  });

  it("says clearly when no round table takes proposals", async () => {
    const pages = `/reseaux/${paysHaut.slug}/veille`;
    const created = await post(OUTSIDER(), `${pages}?index`, { intent: "page", title: "Page du Pays-Haut" });
    const id = created.location!.split("/").pop()!;
    await app.database.db.updateTable("meetings").set({ status: "held" }).where("networkId", "=", paysHaut.id).execute();
    const refused = await post(OUTSIDER(), `${pages}/${id}`, { intent: "propose", kind: "exchange", estimatedMinutes: "20" });
    expect(visibleText(refused.text)).toContain("Aucune table ronde à venir n'accepte de proposition");
  });

  it("never links another CCAS's draft, and lets the proposal form link pages", async () => {
    const draft = await post(FRANCONVILLE_STAFF(), `${notes()}?index`, { title: "Brouillon de Franconville", organisationId: orgId(valParisis, FRANCONVILLE) });
    const draftId = draft.location!.split("/").pop()!;
    expect((await post(ERMONT_STAFF(), `${notes()}/${draftId}`, { intent: "propose", kind: "exchange", estimatedMinutes: "20" })).status).toBe(404);
    const pageId = await createPage(ERMONT_STAFF(), "Précarité énergétique : chèque énergie");
    const meeting = await app.database.db.selectFrom("meetings").select("id").where("networkId", "=", valParisis.id).where("status", "=", "agenda_open").executeTakeFirstOrThrow();
    const response = await (await as(ERMONT_STAFF())).request(`/reseaux/${valParisis.slug}/tables-rondes/${meeting.id}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([
        ["intent", "propose"],
        ["title", "Chèque énergie : retours"],
        ["kind", "exchange"],
        ["estimatedMinutes", "20"],
        ["documentIds", pageId],
        ["documentIds", draftId],
      ]),
    });
    expect(response.status).toBeLessThan(400);
    const linked = await app.database.db
      .selectFrom("agendaItemDocuments")
      .innerJoin("agendaItems", "agendaItems.id", "agendaItemDocuments.agendaItemId")
      .select("agendaItemDocuments.documentId")
      .where("agendaItems.title", "=", "Chèque énergie : retours")
      .execute();
    expect(linked.map((row) => row.documentId)).toEqual([pageId]);
  });
});

describe("attachments", () => {
  async function upload(email: string, path: string, fileName: string, bytes: Uint8Array, type = "application/pdf") {
    const form = new FormData();
    form.set("file", new File([bytes as Uint8Array<ArrayBuffer>], fileName, { type }));
    return (await as(email)).request(path, { method: "POST", body: form });
  }
  const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

  it("stores a PDF on a draft note, serves it as a download to its CCAS only", async () => {
    const created = await post(ERMONT_STAFF(), `${notes()}?index`, { title: "Isolement des aînés : appels de convivialité", organisationId: orgId(valParisis, ERMONT) });
    const id = created.location!.split("/").pop()!;
    const sent = await upload(ERMONT_STAFF(), `${notes()}/${id}`, "bilan été 2026.pdf", pdf);
    expect(visibleText(sent.text)).toContain("Pièce jointe « bilan été 2026.pdf » ajoutée.");
    const attachment = await app.database.db.selectFrom("attachments").select(["id", "contentType"]).where("documentId", "=", id).executeTakeFirstOrThrow();
    expect(attachment.contentType).toBe("application/pdf");
    const file = await get(ERMONT_ELECTED(), `/reseaux/${valParisis.slug}/pieces-jointes/${attachment.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toContain("attachment;");
    expect(file.headers.get("content-disposition")).toContain("filename*=UTF-8''bilan%20%C3%A9t%C3%A9%202026.pdf");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.text.startsWith("%PDF-1.4")).toBe(true);
    expect((await get(FRANCONVILLE_STAFF(), `/reseaux/${valParisis.slug}/pieces-jointes/${attachment.id}`)).status).toBe(404);
    expect((await get(OUTSIDER(), `/reseaux/${paysHaut.slug}/pieces-jointes/${attachment.id}`)).status).toBe(404);
    expect((await upload(FRANCONVILLE_STAFF(), `${notes()}/${id}`, "intrus.pdf", pdf)).status).toBe(404);
  });

  it("refuses a renamed executable, a mismatched extension and a 50 MB file, in French, storing nothing", async () => {
    const id = await createPage(ERMONT_STAFF(), "Page avec pièces jointes refusées");
    const exe = new Uint8Array(4096);
    exe.set([0x4d, 0x5a, 0x90, 0x00]);
    exe.set(new TextEncoder().encode("PE\0\0"), 128);
    exe[0x3c] = 128;
    expect(visibleText((await upload(ERMONT_STAFF(), `${wiki()}/${id}`, "facture.pdf", exe)).text)).toContain("n'est pas d'un type accepté");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    expect(visibleText((await upload(ERMONT_STAFF(), `${wiki()}/${id}`, "rapport.pdf", png)).text)).toContain("est en réalité un fichier image PNG");
    const huge = new Uint8Array(50 * 1024 * 1024);
    huge.set(pdf);
    expect(visibleText((await upload(ERMONT_STAFF(), `${wiki()}/${id}`, "enorme.pdf", huge)).text)).toContain("Le fichier dépasse 10 Mo");
    const stored = await app.database.db.selectFrom("attachments").select("id").where("documentId", "=", id).execute();
    expect(stored).toEqual([]);
  });

  it("asks for confirmation before deleting an attachment", async () => {
    const id = await createPage(ERMONT_STAFF(), "Page avec une pièce jointe à supprimer");
    await upload(ERMONT_STAFF(), `${wiki()}/${id}`, "note.txt", new TextEncoder().encode("Compte rendu de la réunion"), "text/plain");
    const attachment = await app.database.db.selectFrom("attachments").select("id").where("documentId", "=", id).executeTakeFirstOrThrow();
    const asked = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "delete-attachment", attachmentId: attachment.id, fileName: "note.txt" });
    expect(visibleText(asked.text)).toContain("Supprimer « note.txt » ?");
    expect((await post(OUTSIDER(), `${wiki()}/${id}`, { intent: "delete-attachment", attachmentId: attachment.id, confirm: "oui" })).status).toBe(404);
    await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "delete-attachment", attachmentId: attachment.id, fileName: "note.txt", confirm: "oui" });
    expect(await app.database.db.selectFrom("attachments").select("id").where("id", "=", attachment.id).execute()).toEqual([]);
  });
});

describe("export", () => {
  it("exports a page as Markdown and HTML, and a section as a zip, to readers only", async () => {
    const { unzipSync } = await import("fflate");
    await post(COORDINATOR(), `${wiki()}?index`, { intent: "section", title: "Logement et hébergement" });
    const section = await app.database.db.selectFrom("wikiSections").select("id").where("title", "=", "Logement et hébergement").executeTakeFirstOrThrow();
    const id = await createPage(ERMONT_STAFF(), "Trêve hivernale", { sectionId: section.id });
    await post(ERMONT_STAFF(), `${wiki()}/${id}`, {
      intent: "update",
      title: "Trêve hivernale",
      sectionId: section.id,
      "legalReferences[0].code": "CCH",
      "legalReferences[0].article": "L412-6",
      "legalReferences[0].url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000043271598",
    });
    const markdown = await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}/export?format=md`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get("content-disposition")).toContain('filename="treve-hivernale.md"');
    expect(markdown.text).toContain("# Trêve hivernale");
    expect(markdown.text).toContain("[CCH, art. L412-6](https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000043271598)");
    const html = await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}/export?format=html`);
    expect(html.text).toContain("<h1>Trêve hivernale</h1>");
    expect((await get(OUTSIDER(), `${wiki()}/${id}/export?format=md`)).status).toBe(404);

    const client = await as(FRANCONVILLE_STAFF());
    const response = await fetch(new URL(`${wiki()}/export?section=${section.id}&format=md`, app.url), { headers: { cookie: client.cookieHeader } });
    expect(response.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files)).toEqual(["treve-hivernale.md"]);
    expect(new TextDecoder().decode(files["treve-hivernale.md"])).toContain("# Trêve hivernale");
  });
});

describe("comments and mentions", () => {
  it("threads comments, notifies a mentioned member in the app and by e-mail when they opted in, and a thread's author on reply", async () => {
    const id = await createPage(ERMONT_STAFF(), "Chèque énergie : accompagnement");
    // Sophie Petit (Franconville staff) wants e-mails; the Ermont director does not.
    expect((await post(FRANCONVILLE_STAFF(), "/profil", { intent: "notifications", notifyByEmail: "on" })).status).toBe(200);
    const before = app.mailbox.messages.length;
    const posted = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "comment", body: "@Sophie Petit et @denis durand, pouvez-vous relire la partie FSL ?" });
    expect(visibleText(posted.text)).toContain("2 personne(s) prévenue(s)");
    await app.deliverMail();
    const mails = app.mailbox.messages.slice(before);
    expect(mails.map((mail) => mail.to)).toEqual([FRANCONVILLE_STAFF()]);
    expect(mails[0]!.subject).toBe("Amine Benali vous a mentionné sur « Chèque énergie : accompagnement »");
    expect(mails[0]!.text).toContain(`${wiki()}/${id}`);

    const inbox = visibleText((await get(FRANCONVILLE_STAFF(), "/notifications")).text);
    expect(inbox).toContain("Amine Benali vous a mentionné sur Chèque énergie : accompagnement");
    expect(visibleText((await get(FRANCONVILLE_STAFF(), wiki())).text)).toMatch(/Notifications 1 non lues/);
    await post(FRANCONVILLE_STAFF(), "/notifications", {});
    expect(visibleText((await get(FRANCONVILLE_STAFF(), wiki())).text)).not.toContain("non lues");

    const thread = await app.database.db.selectFrom("comments").select("id").where("documentId", "=", id).executeTakeFirstOrThrow();
    await post(FRANCONVILLE_STAFF(), `${wiki()}/${id}`, { intent: "comment", parentId: thread.id, body: "Relu, deux remarques ajoutées." });
    expect(visibleText((await get(ERMONT_STAFF(), "/notifications")).text)).toContain("Sophie Petit a répondu à votre commentaire");
    const page = visibleText((await get(COORDINATOR(), `${wiki()}/${id}`)).text);
    expect(page).toContain("Relu, deux remarques ajoutées.");
  });

  it("keeps a draft's mentions within its CCAS, refuses empty comments, and lets only the author or an editor resolve", async () => {
    const created = await post(ERMONT_STAFF(), `${notes()}?index`, { title: "Brouillon commenté", organisationId: orgId(valParisis, ERMONT) });
    const id = created.location!.split("/").pop()!;
    const posted = await post(ERMONT_STAFF(), `${notes()}/${id}`, { intent: "comment", body: "@Sophie Petit @Élise Martin à voir" });
    expect(visibleText(posted.text)).toContain("1 personne(s) prévenue(s)");
    const empty = await post(ERMONT_STAFF(), `${notes()}/${id}`, { intent: "comment", body: "   " });
    expect(visibleText(empty.text)).toContain("Écrivez votre commentaire.");
    expect((await post(FRANCONVILLE_STAFF(), `${notes()}/${id}`, { intent: "comment", body: "intrus" })).status).toBe(404);
    expect((await post(OUTSIDER(), `${notes()}/${id}`, { intent: "comment", body: "intrus" })).status).toBe(404);

    await post(ERMONT_STAFF(), `${notes()}/${id}`, { intent: "update", title: "Brouillon commenté", published: "on" });
    const comment = await app.database.db.selectFrom("comments").select("id").where("documentId", "=", id).executeTakeFirstOrThrow();
    // Franconville reads the published note and comments, but neither edits it nor resolves others' threads.
    expect((await post(FRANCONVILLE_STAFF(), `${notes()}/${id}`, { intent: "comment", body: "Merci pour le partage" })).status).toBe(200);
    expect((await post(FRANCONVILLE_STAFF(), `${notes()}/${id}`, { intent: "resolve", commentId: comment.id })).status).toBe(403);
    expect(visibleText((await post(ERMONT_ELECTED(), `${notes()}/${id}`, { intent: "resolve", commentId: comment.id })).text)).toContain("Discussion marquée comme résolue.");
    expect(visibleText((await get(ERMONT_STAFF(), `${notes()}/${id}`)).text)).toContain("résolu par Élise Martin");
  });
});

describe("a CCAS page", () => {
  it("lists the CCAS's published notes, and its drafts to its own members only", async () => {
    const ermontPage = `/reseaux/${valParisis.slug}/annuaire/${orgId(valParisis, ERMONT)}`;
    const own = visibleText((await get(ERMONT_STAFF(), ermontPage)).text);
    expect(own).toContain("Rompre l'isolement des personnes âgées : les appels de convivialité");
    expect(own).toContain("Brouillon : permanence numérique pour les seniors");
    const other = visibleText((await get(FRANCONVILLE_STAFF(), ermontPage)).text);
    expect(other).toContain("Rompre l'isolement des personnes âgées : les appels de convivialité");
    expect(other).not.toContain("permanence numérique");
  });
});
