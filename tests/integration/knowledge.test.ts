import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { signedInClients, type HttpResponse } from "../support/http-client.ts";
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

const as = signedInClients(() => app.url);
const COORDINATOR = () => demoEmail("val-parisis", "coordinator");
const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const ERMONT_ELECTED = () => demoEmail("val-parisis", "elected", ERMONT);
const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
const FRANCONVILLE_DIRECTOR = () => demoEmail("val-parisis", "director", FRANCONVILLE);
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");
const OUTSIDER_DIRECTOR = () => demoEmail("pays-haut", "director");

const wiki = () => `/reseaux/${valParisis.slug}/veille`;
const notes = () => `/reseaux/${valParisis.slug}/fiches`;

async function post(email: string, path: string, fields: Record<string, string>): Promise<HttpResponse> {
  return (await as(email)).post(path, fields);
}
async function get(email: string, path: string): Promise<HttpResponse> {
  return (await as(email)).get(path);
}

async function createPage(email: string, title: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await post(email, `${wiki()}?index`, { intent: "page", title, ...extra });
  expect(response.status).toBe(302);
  return response.location!.split("/").pop()!;
}

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
