import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/features/api/tokens.server.ts";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import { search } from "../../app/features/search/search.server.ts";
import { auditRows, decodeHtml, ERMONT, fieldError, loadDemoNetworks, userIdOf, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import {
  COORDINATOR,
  ERMONT_DIRECTOR,
  ERMONT_ELECTED,
  ERMONT_STAFF,
  FRANCONVILLE_DIRECTOR,
  FRANCONVILLE_STAFF,
  knowledgeRequests,
  OUTSIDER,
  TAVERNY_STAFF,
} from "../support/knowledge.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * Looking after the watch wiki and the practice notes: read counts (once per member, page and day, never the
 * writer's own visits, what search makes of them, what the API says of them), the coordinators' order of a section's
 * pages and the section each page is filed in (from the contents, the page's form and the API alike), and handing a
 * watch page or a practice note over to another responsible, with who may and may not do each.
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

const { post, get, createPage: createPageIn } = knowledgeRequests(() => app.url);

const wiki = () => `/reseaux/${valParisis.slug}/veille`;
const notes = () => `/reseaux/${valParisis.slug}/fiches`;
const createPage = (email: string, title: string, extra: Record<string, string> = {}, wikiPath = wiki()) => createPageIn(email, wikiPath, title, extra);

async function createSection(title: string): Promise<string> {
  expect((await post(COORDINATOR(), `${wiki()}?index`, { intent: "section", title })).status).toBe(200);
  const section = await app.database.db.selectFrom("wikiSections").select("id").where("networkId", "=", valParisis.id).where("title", "=", title).executeTakeFirstOrThrow();
  return section.id;
}

async function tokenFor(email: string): Promise<string> {
  const created = await createApiToken(app.database.db, { userId: await userIdOf(app.database.db, email), name: "Tests" });
  if (!created.ok) throw new Error(created.message);
  return created.token;
}

/** A JSON API call with a personal token; the body parsed. */
async function api(token: string, path: string, init: { method?: string; json?: unknown } = {}) {
  const response = await fetch(new URL(path, app.url), {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${token}`, ...(init.json !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as any };
}

const readCountOf = async (id: string) =>
  (await app.database.db.selectFrom("documents").select("readCount").where("id", "=", id).executeTakeFirstOrThrow()).readCount;

/** The titles of a section's pages, in the order the wiki's contents lists them. */
async function titlesOf(sectionTitle: string | null, email = COORDINATOR()): Promise<string[]> {
  const html = (await get(email, wiki())).text;
  const label = sectionTitle ? `Pages de la section ${sectionTitle}` : "Pages sans section";
  const start = html.indexOf(`aria-label="${label.replace(/'/g, "&#x27;")}"`);
  if (start < 0) return [];
  const list = html.slice(start, html.indexOf("</ul>", start));
  return [...list.matchAll(/<a [^>]*>([^<]*)<\/a>/g)].map((match) => decodeHtml(match[1]!));
}

/** The « Vos pages à revoir » block of the wiki's contents for this member ("" when there is none). */
async function toReviewOf(email: string): Promise<string> {
  const html = (await get(email, wiki())).text;
  const start = html.indexOf('id="a-revoir"');
  return start < 0 ? "" : visibleText(html.slice(start, html.indexOf("</section>", start)));
}

describe("read counts", () => {
  it("counts a member's visit once a day, another member's too, and never the writer's own", async () => {
    const id = await createPage(ERMONT_STAFF(), "Obligation alimentaire : recours du département");
    // The author (and responsible) reading their page does not count.
    const own = await get(ERMONT_STAFF(), `${wiki()}/${id}`);
    expect(visibleText(own.text)).toContain("Pas encore consultée");
    expect(await readCountOf(id)).toBe(0);

    const first = await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`);
    expect(visibleText(first.text)).toContain("Consultée 1 fois");
    // Reloads the same day are the same read.
    await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`);
    // The data request the browser sends to revalidate the page after a form is the same read too.
    expect((await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}.data`)).status).toBe(200);
    expect(await readCountOf(id)).toBe(1);

    const other = await get(COORDINATOR(), `${wiki()}/${id}`);
    expect(visibleText(other.text)).toContain("Consultée 2 fois");
    expect(await readCountOf(id)).toBe(2);
    expect(visibleText((await get(ERMONT_STAFF(), `${wiki()}/${id}`)).text)).toContain("Consultée 2 fois");

    // The next day, the same member reads it again.
    const franconvilleStaff = await userIdOf(app.database.db, FRANCONVILLE_STAFF());
    await app.database.db.updateTable("documentReads").set({ readOn: "2020-01-01" }).where("documentId", "=", id).where("userId", "=", franconvilleStaff).execute();
    await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`);
    expect(await readCountOf(id)).toBe(3);
    // Search sees the same count (copied by the database's trigger).
    const entry = await app.database.db.selectFrom("searchEntries").select("readCount").where("documentId", "=", id).executeTakeFirstOrThrow();
    expect(entry.readCount).toBe(3);
  });

  it("counts reads of a practice note, not of one a reader may not open", async () => {
    const created = await post(ERMONT_STAFF(), `${notes()}?index`, {
      title: "Navette solidaire vers le marché",
      organisationId: valParisis.organisations.get(ERMONT)!.id,
    });
    expect(created.status).toBe(302);
    const id = created.location!.split("/").pop()!;
    // A draft is not read outside its CCAS: no count.
    expect((await get(FRANCONVILLE_DIRECTOR(), `${notes()}/${id}`)).status).toBe(404);
    expect(await readCountOf(id)).toBe(0);
    await post(ERMONT_STAFF(), `${notes()}/${id}`, { intent: "update", title: "Navette solidaire vers le marché", published: "on" });
    expect(visibleText((await get(FRANCONVILLE_DIRECTOR(), `${notes()}/${id}`)).text)).toContain("Consultée 1 fois");
    expect((await get(OUTSIDER(), `${notes()}/${id}`)).status).toBe(404);
    expect((await get(OUTSIDER(), `/reseaux/${paysHaut.slug}/fiches/${id}`)).status).toBe(404);
    expect(await readCountOf(id)).toBe(1);
  });

  it("lets search rank the more-read of two otherwise equal pages first", async () => {
    const title = "Chèques énergie zygomorphes : instruction des demandes";
    const lessRead = await createPage(ERMONT_STAFF(), title);
    const moreRead = await createPage(ERMONT_STAFF(), title);
    for (const reader of [FRANCONVILLE_STAFF(), FRANCONVILLE_DIRECTOR(), COORDINATOR()]) await get(reader, `${wiki()}/${moreRead}`);
    await get(TAVERNY_STAFF(), `${wiki()}/${lessRead}`);
    expect([await readCountOf(lessRead), await readCountOf(moreRead)]).toEqual([1, 3]);
    // Same text, same date: without the reads, the tie would go to the first created.
    const at = new Date("2026-01-15T10:00:00Z");
    await app.database.db.updateTable("documents").set({ updatedAt: at }).where("id", "in", [lessRead, moreRead]).execute();

    const actor = await loadActor(app.database.db, await userIdOf(app.database.db, TAVERNY_STAFF()));
    const results = await search(app.database.db, { actor, networkId: valParisis.id, query: "chèques énergie zygomorphes" });
    expect(results.hits.map((hit) => hit.documentId)).toEqual([moreRead, lessRead]);
  });
});

describe("order of pages within a section", () => {
  it("lets a coordinator move pages up and down and to another section, keeping each section numbered", async () => {
    const lodging = await createSection("Hébergement d'urgence");
    const housing = await createSection("Logement social");
    for (const title of ["SIAO : orientation", "Nuitées hôtelières", "Plan grand froid"]) await createPage(ERMONT_STAFF(), title, { sectionId: lodging });
    expect(await titlesOf("Hébergement d'urgence")).toEqual(["SIAO : orientation", "Nuitées hôtelières", "Plan grand froid"]);

    const coldPlan = (await app.database.db.selectFrom("documents").select("id").where("title", "=", "Plan grand froid").executeTakeFirstOrThrow()).id;
    const moved = await post(COORDINATOR(), `${wiki()}?index`, { intent: "move-page", documentId: coldPlan, direction: "up" });
    expect(moved.status).toBe(200);
    expect(visibleText(moved.text)).toContain("« Plan grand froid » est en position 2 sur 3 dans la section « Hébergement d'urgence ».");
    await post(COORDINATOR(), `${wiki()}?index`, { intent: "move-page", documentId: coldPlan, direction: "up" });
    // Already first: it stays there.
    await post(COORDINATOR(), `${wiki()}?index`, { intent: "move-page", documentId: coldPlan, direction: "up" });
    expect(await titlesOf("Hébergement d'urgence", ERMONT_STAFF())).toEqual(["Plan grand froid", "SIAO : orientation", "Nuitées hôtelières"]);

    await createPage(ERMONT_STAFF(), "Accord collectif départemental", { sectionId: housing });
    const filed = await post(COORDINATOR(), `${wiki()}?index`, { intent: "file-page", documentId: coldPlan, sectionId: housing });
    expect(visibleText(filed.text)).toContain("« Plan grand froid » est rangée à la fin de la section « Logement social ».");
    expect(await titlesOf("Logement social")).toEqual(["Accord collectif départemental", "Plan grand froid"]);
    expect(await titlesOf("Hébergement d'urgence")).toEqual(["SIAO : orientation", "Nuitées hôtelières"]);
    const positions = await app.database.db.selectFrom("documents").select(["title", "position"]).where("sectionId", "=", housing).orderBy("position").execute();
    expect(positions.map((row) => row.position)).toEqual([1, 2]);

    // Out of any section, and back through the page's own form: at the end each time.
    await post(COORDINATOR(), `${wiki()}?index`, { intent: "file-page", documentId: coldPlan, sectionId: "" });
    expect(await titlesOf(null)).toContain("Plan grand froid");
    const nights = (await app.database.db.selectFrom("documents").select("id").where("title", "=", "Nuitées hôtelières").executeTakeFirstOrThrow()).id;
    const refiled = await post(COORDINATOR(), `${wiki()}/${nights}`, { intent: "update", title: "Nuitées hôtelières", sectionId: housing });
    expect(visibleText(refiled.text)).toContain("Informations enregistrées.");
    expect(await titlesOf("Logement social")).toEqual(["Accord collectif départemental", "Nuitées hôtelières"]);

    // Coordinators moving pages of one section at once take turns: no error, the section stays numbered 1, 2, 3….
    const housingPages = await app.database.db.selectFrom("documents").select("id").where("sectionId", "=", housing).execute();
    const racing = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((round) =>
        post(COORDINATOR(), `${wiki()}?index`, { intent: "move-page", documentId: housingPages[round % housingPages.length]!.id, direction: round % 2 ? "up" : "down" }),
      ),
    );
    expect(racing.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const numbered = await app.database.db.selectFrom("documents").select("position").where("sectionId", "=", housing).orderBy("position").execute();
    expect(numbered.map((row) => row.position)).toEqual([1, 2]);

    // The buttons have names that say which page they move.
    const list = visibleText((await get(COORDINATOR(), wiki())).text);
    expect(list).toContain("Monter la page « SIAO : orientation »");
    expect(list).toContain("Descendre la page « Accord collectif départemental »");
  });

  it("refuses the arrangement to other members (403) and to another network (404), changing nothing", async () => {
    const section = await createSection("Protection des majeurs");
    const first = await createPage(ERMONT_STAFF(), "Mandat de protection future", { sectionId: section });
    const second = await createPage(ERMONT_STAFF(), "Mesure d'accompagnement social personnalisé", { sectionId: section });
    const before = await titlesOf("Protection des majeurs");
    expect(visibleText((await get(ERMONT_STAFF(), wiki())).text)).not.toContain("Monter la page");

    for (const email of [ERMONT_STAFF(), FRANCONVILLE_STAFF(), FRANCONVILLE_DIRECTOR()]) {
      expect((await post(email, `${wiki()}?index`, { intent: "move-page", documentId: second, direction: "up" })).status).toBe(403);
      expect((await post(email, `${wiki()}?index`, { intent: "file-page", documentId: first, sectionId: "" })).status).toBe(403);
    }
    expect((await post(OUTSIDER(), `${wiki()}?index`, { intent: "move-page", documentId: second, direction: "up" })).status).toBe(404);
    expect((await post(OUTSIDER(), `/reseaux/${paysHaut.slug}/veille?index`, { intent: "move-page", documentId: second, direction: "up" })).status).toBe(404);
    expect((await post(OUTSIDER(), `/reseaux/${paysHaut.slug}/veille?index`, { intent: "file-page", documentId: first, sectionId: "" })).status).toBe(404);
    expect(await titlesOf("Protection des majeurs")).toEqual(before);

    // A section of another network is refused in French next to the field; an unreadable form too.
    const elsewhere = await createPage(OUTSIDER(), "Page du Pays-Haut", {}, `/reseaux/${paysHaut.slug}/veille`);
    await post(OUTSIDER(), `/reseaux/${paysHaut.slug}/veille?index`, { intent: "section", title: "Section du Pays-Haut" });
    const foreignSection = (await app.database.db.selectFrom("wikiSections").select("id").where("networkId", "=", paysHaut.id).executeTakeFirstOrThrow()).id;
    const refused = await post(COORDINATOR(), `${wiki()}?index`, { intent: "file-page", documentId: first, sectionId: foreignSection });
    expect(refused.status).toBe(200);
    expect(visibleText(refused.text)).toContain("Cette section n'existe pas dans ce réseau.");
    expect(visibleText((await post(COORDINATOR(), `${wiki()}?index`, { intent: "move-page" })).text)).toContain("Choisissez la page à déplacer.");
    expect(await titlesOf("Protection des majeurs")).toEqual(before);
    expect((await post(COORDINATOR(), `${wiki()}?index`, { intent: "move-page", documentId: elsewhere, direction: "down" })).status).toBe(404);
  });
});

describe("the section of a page, after its creation", () => {
  it("is chosen by any writer when creating the page, then changed by the coordinators only, from the page's form", async () => {
    const rights = await createSection("Droits des usagers");
    const housing = await createSection("Logement d'abord");
    // Creating a page in a section stays open to every writer.
    const id = await createPage(ERMONT_STAFF(), "Charte d'accueil des usagers", { sectionId: rights });
    const stored = () => app.database.db.selectFrom("documents").select(["title", "sectionId", "position"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect((await stored()).sectionId).toBe(rights);

    // The writer's form shows the section as text; the coordinator's offers to change it.
    const writerPage = await get(ERMONT_STAFF(), `${wiki()}/${id}`);
    expect(writerPage.text).not.toContain('name="sectionId"');
    expect(visibleText(writerPage.text)).toContain("Section : Droits des usagers — la coordination du réseau range les pages dans les sections.");
    expect(visibleText(writerPage.text)).toContain("Modifier les informations (titre, responsable, thèmes, références, révision)");
    expect((await get(COORDINATOR(), `${wiki()}/${id}`)).text).toContain('name="sectionId"');

    // Sent anyway by a writer of the coordinator's own CCAS or of another one: 403, and nothing is written, not even the title.
    const before = await stored();
    for (const email of [ERMONT_STAFF(), ERMONT_DIRECTOR(), FRANCONVILLE_DIRECTOR()]) {
      for (const sectionId of [housing, ""]) {
        const refused = await post(email, `${wiki()}/${id}`, { intent: "update", title: "Charte d'accueil (déplacée)", sectionId });
        expect(refused.status).toBe(403);
      }
    }
    // Another network's member: the same 404 as a page that does not exist, through either network's address.
    expect((await post(OUTSIDER(), `${wiki()}/${id}`, { intent: "update", title: "Charte d'accueil (déplacée)", sectionId: housing })).status).toBe(404);
    expect((await post(OUTSIDER(), `/reseaux/${paysHaut.slug}/veille/${id}`, { intent: "update", title: "Charte d'accueil (déplacée)", sectionId: housing })).status).toBe(404);
    expect(await stored()).toEqual(before);

    // The writer still edits the rest: without the field, or with the page's own section again, the section stays.
    const edited = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "update", title: "Charte d'accueil des usagers du CCAS" });
    expect(visibleText(edited.text)).toContain("Informations enregistrées.");
    await post(FRANCONVILLE_DIRECTOR(), `${wiki()}/${id}`, { intent: "update", title: "Charte d'accueil des usagers du CCAS", sectionId: rights });
    expect(await stored()).toMatchObject({ title: "Charte d'accueil des usagers du CCAS", sectionId: rights });

    // The coordinator files it in another section from the same form: at the end of that section.
    await createPage(ERMONT_STAFF(), "Logement d'abord : le principe", { sectionId: housing });
    const filed = await post(COORDINATOR(), `${wiki()}/${id}`, { intent: "update", title: "Charte d'accueil des usagers du CCAS", sectionId: housing });
    expect(visibleText(filed.text)).toContain("Informations enregistrées.");
    expect(await titlesOf("Logement d'abord")).toEqual(["Logement d'abord : le principe", "Charte d'accueil des usagers du CCAS"]);
  });

  it("is changed through PATCH /api/v1/pages/{id} by the coordinators only: a JSON 403 in French for the others, 404 outside", async () => {
    const rights = await createSection("Accès aux droits (API)");
    const housing = await createSection("Hébergement (API)");
    const created = await api(await tokenFor(ERMONT_STAFF()), "/api/v1/pages", { method: "POST", json: { title: "Complémentaire santé solidaire", sectionId: rights } });
    expect(created.status).toBe(201);
    expect(created.body.sectionId).toBe(rights);
    const id = created.body.id as string;
    const stored = () => app.database.db.selectFrom("documents").select(["title", "sectionId", "updatedAt"]).where("id", "=", id).executeTakeFirstOrThrow();
    const before = await stored();

    for (const email of [ERMONT_STAFF(), FRANCONVILLE_STAFF()]) {
      const refused = await api(await tokenFor(email), `/api/v1/pages/${id}`, { method: "PATCH", json: { title: "Complémentaire santé solidaire (déplacée)", sectionId: housing } });
      expect(refused.status).toBe(403);
      expect(refused.contentType).toContain("application/json");
      expect(refused.body.error).toEqual({ code: "forbidden", message: "Votre compte n'a pas le droit de faire cette action." });
    }
    const outsider = await api(await tokenFor(OUTSIDER()), `/api/v1/pages/${id}`, { method: "PATCH", json: { sectionId: null } });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe("not_found");
    expect(await stored()).toEqual(before);

    // Its own section again is no change: the writer's other fields are saved.
    const same = await api(await tokenFor(ERMONT_STAFF()), `/api/v1/pages/${id}`, { method: "PATCH", json: { title: "Complémentaire santé solidaire : les démarches", sectionId: rights } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ title: "Complémentaire santé solidaire : les démarches", sectionId: rights });

    const moved = await api(await tokenFor(COORDINATOR()), `/api/v1/pages/${id}`, { method: "PATCH", json: { sectionId: housing } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ sectionId: housing, sectionTitle: "Hébergement (API)" });
    const unknown = await api(await tokenFor(COORDINATOR()), `/api/v1/pages/${id}`, { method: "PATCH", json: { sectionId: "00000000-0000-4000-8000-000000000000" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.sectionId).toEqual(["Cette section n'existe pas dans ce réseau."]);
  });
});

describe("handing a watch page over to another responsible", () => {
  it("lets the responsible hand it over to a member of another CCAS, who then has it to review; journalled", async () => {
    const id = await createPage(ERMONT_STAFF(), "Aide sociale à l'hébergement : récupération sur succession");
    const director = await userIdOf(app.database.db, FRANCONVILLE_DIRECTOR());
    const page = await get(ERMONT_STAFF(), `${wiki()}/${id}`);
    expect(page.text).toContain('name="ownerUserId"');
    // Another CCAS's staff member edits the page's facts, but is not offered its responsible.
    expect((await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`)).text).not.toContain('name="ownerUserId"');

    const handed = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "update", title: "Aide sociale à l'hébergement : récupération sur succession", ownerUserId: director });
    expect(visibleText(handed.text)).toContain("Informations enregistrées.");
    const owner = await app.database.db.selectFrom("documents").select("ownerUserId").where("id", "=", id).executeTakeFirstOrThrow();
    expect(owner.ownerUserId).toBe(director);
    const [event] = (await auditRows(app.database.db, "document_owner_changed")).filter((row) => (row.detail as { documentId?: string }).documentId === id);
    expect(event).toMatchObject({ networkId: valParisis.id, subjectUserId: director, actorUserId: await userIdOf(app.database.db, ERMONT_STAFF()) });
    const journal = visibleText((await get(COORDINATOR(), `/reseaux/${valParisis.slug}/journal`)).text);
    expect(journal).toContain("Page de veille confiée à un autre responsable");
    expect(journal).toContain("Page « Aide sociale à l'hébergement : récupération sur succession »");

    // The page is now listed « à revoir » to its new responsible, not to its writer.
    await app.database.db.updateTable("documents").set({ reviewOn: "2020-01-01" }).where("id", "=", id).execute();
    expect(await toReviewOf(FRANCONVILLE_DIRECTOR())).toContain("Aide sociale à l'hébergement : récupération sur succession");
    expect(await toReviewOf(ERMONT_STAFF())).not.toContain("Aide sociale à l'hébergement");
    // The former responsible no longer may hand it over.
    const again = await post(ERMONT_STAFF(), `${wiki()}/${id}`, { intent: "update", title: "Aide sociale à l'hébergement : récupération sur succession", ownerUserId: await userIdOf(app.database.db, ERMONT_STAFF()) });
    expect(again.status).toBe(403);
  });

  it("refuses it to other members (403) and to another network (404), and refuses in French someone who is not an active member", async () => {
    const id = await createPage(ERMONT_STAFF(), "Domiciliation des gens du voyage");
    const fields = { intent: "update", title: "Domiciliation : gens du voyage" };
    const taverny = await userIdOf(app.database.db, TAVERNY_STAFF());
    for (const email of [FRANCONVILLE_STAFF(), FRANCONVILLE_DIRECTOR()]) {
      expect((await post(email, `${wiki()}/${id}`, { ...fields, ownerUserId: taverny })).status).toBe(403);
    }
    expect((await post(OUTSIDER(), `${wiki()}/${id}`, { ...fields, ownerUserId: await userIdOf(app.database.db, OUTSIDER()) })).status).toBe(404);
    expect((await post(OUTSIDER(), `/reseaux/${paysHaut.slug}/veille/${id}`, { ...fields, ownerUserId: taverny })).status).toBe(404);

    // The coordinator may, but only to an active member of this network: the refusal is next to the field, nothing is written.
    for (const stranger of [await userIdOf(app.database.db, OUTSIDER()), "00000000-0000-4000-8000-000000000000"]) {
      const refused = await post(COORDINATOR(), `${wiki()}/${id}`, { ...fields, ownerUserId: stranger });
      expect(refused.status).toBe(200);
      expect(fieldError(refused.text, "ownerUserId")).toBe("Cette personne n'est pas un membre actif du réseau : choisissez quelqu'un dans la liste.");
      expect(refused.text).toContain('value="Domiciliation : gens du voyage"');
    }
    await app.database.db.updateTable("memberships").set({ deactivatedAt: new Date() }).where("userId", "=", taverny).execute();
    try {
      const deactivated = await post(COORDINATOR(), `${wiki()}/${id}`, { ...fields, ownerUserId: taverny });
      expect(fieldError(deactivated.text, "ownerUserId")).toContain("n'est pas un membre actif du réseau");
      expect((await get(COORDINATOR(), `${wiki()}/${id}`)).text).not.toContain(`value="${taverny}"`);
    } finally {
      await app.database.db.updateTable("memberships").set({ deactivatedAt: null }).where("userId", "=", taverny).execute();
    }
    const unchanged = await app.database.db.selectFrom("documents").select(["title", "ownerUserId"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ title: "Domiciliation des gens du voyage", ownerUserId: await userIdOf(app.database.db, ERMONT_STAFF()) });

    const handed = await post(COORDINATOR(), `${wiki()}/${id}`, { ...fields, ownerUserId: taverny });
    expect(visibleText(handed.text)).toContain("Informations enregistrées.");
    const { name } = await app.database.db.selectFrom("users").select("name").where("id", "=", taverny).executeTakeFirstOrThrow();
    expect(visibleText((await get(FRANCONVILLE_STAFF(), `${wiki()}/${id}`)).text)).toContain(`Responsable ${name}`);
    expect((await app.database.db.selectFrom("documents").select("ownerUserId").where("id", "=", id).executeTakeFirstOrThrow()).ownerUserId).toBe(taverny);
  });
});

describe("handing a practice note over to another member of its CCAS", () => {
  /** A published note of Ermont written by its agent, who is its responsible. */
  async function ermontNote(title: string): Promise<string> {
    const created = await post(ERMONT_STAFF(), `${notes()}?index`, { title, organisationId: valParisis.organisations.get(ERMONT)!.id });
    expect(created.status).toBe(302);
    const id = created.location!.split("/").pop()!;
    await post(ERMONT_STAFF(), `${notes()}/${id}`, { intent: "update", title, published: "on" });
    return id;
  }
  const ownerOf = async (id: string) =>
    (await app.database.db.selectFrom("documents").select("ownerUserId").where("id", "=", id).executeTakeFirstOrThrow()).ownerUserId;

  it("lets the CCAS's director choose among the CCAS's active members only; journalled", async () => {
    const title = "Épicerie solidaire : tarification au quotient";
    const id = await ermontNote(title);
    const elected = await userIdOf(app.database.db, ERMONT_ELECTED());
    const franconvilleStaff = await userIdOf(app.database.db, FRANCONVILLE_STAFF());

    // Ermont's director is offered Ermont's members, and nobody of another CCAS.
    const page = await get(ERMONT_DIRECTOR(), `${notes()}/${id}`);
    expect(page.text).toContain('name="ownerUserId"');
    expect(page.text).toContain(`value="${elected}"`);
    expect(page.text).not.toContain(`value="${franconvilleStaff}"`);
    expect(visibleText(page.text)).toContain("Responsable de la fiche");
    // Ermont's elected member edits the note but does not answer for it: not offered.
    expect((await get(ERMONT_ELECTED(), `${notes()}/${id}`)).text).not.toContain('name="ownerUserId"');

    // A member of another CCAS (active in the network) is refused next to the field, the typed values kept, nothing written.
    const refused = await post(ERMONT_DIRECTOR(), `${notes()}/${id}`, { intent: "update", title: `${title} (bis)`, published: "on", ownerUserId: franconvilleStaff });
    expect(refused.status).toBe(200);
    expect(fieldError(refused.text, "ownerUserId")).toBe("Cette personne n'est pas un membre actif du CCAS auteur de la fiche : choisissez quelqu'un dans la liste.");
    expect(refused.text).toContain(`value="${title} (bis)"`);
    expect(await ownerOf(id)).toBe(await userIdOf(app.database.db, ERMONT_STAFF()));
    expect((await app.database.db.selectFrom("documents").select("title").where("id", "=", id).executeTakeFirstOrThrow()).title).toBe(title);

    const handed = await post(ERMONT_DIRECTOR(), `${notes()}/${id}`, { intent: "update", title, published: "on", ownerUserId: elected });
    expect(visibleText(handed.text)).toContain("Informations enregistrées.");
    expect(await ownerOf(id)).toBe(elected);
    const { name } = await app.database.db.selectFrom("users").select("name").where("id", "=", elected).executeTakeFirstOrThrow();
    expect(visibleText((await get(FRANCONVILLE_STAFF(), `${notes()}/${id}`)).text)).toContain(`Responsable ${name}`);
    const [event] = (await auditRows(app.database.db, "practice_owner_changed")).filter((row) => (row.detail as { documentId?: string }).documentId === id);
    expect(event).toMatchObject({
      networkId: valParisis.id,
      organisationId: valParisis.organisations.get(ERMONT)!.id,
      subjectUserId: elected,
      actorUserId: await userIdOf(app.database.db, ERMONT_DIRECTOR()),
    });
    const journal = visibleText((await get(COORDINATOR(), `/reseaux/${valParisis.slug}/journal`)).text);
    expect(journal).toContain("Fiche pratique confiée à un autre responsable");
    expect(journal).toContain(`Fiche « ${title} »`);

    // The new responsible hands it back; the former one, now a mere writer of it, may not take it again.
    expect(visibleText((await post(ERMONT_ELECTED(), `${notes()}/${id}`, { intent: "update", title, published: "on", ownerUserId: await userIdOf(app.database.db, ERMONT_STAFF()) })).text)).toContain("Informations enregistrées.");
    await post(ERMONT_DIRECTOR(), `${notes()}/${id}`, { intent: "update", title, published: "on", ownerUserId: elected });
    expect((await post(ERMONT_STAFF(), `${notes()}/${id}`, { intent: "update", title, published: "on", ownerUserId: await userIdOf(app.database.db, ERMONT_STAFF()) })).status).toBe(403);
    expect(await ownerOf(id)).toBe(elected);
  });

  it("refuses it to another CCAS (403) and another network (404), on the page and through the API, changing nothing", async () => {
    const title = "Colis de Noël des aînés : inscription en ligne";
    const id = await ermontNote(title);
    const staff = await userIdOf(app.database.db, ERMONT_STAFF());
    const elected = await userIdOf(app.database.db, ERMONT_ELECTED());
    const fields = { intent: "update", title, published: "on", ownerUserId: elected };

    // Ermont's elected member may edit the note, not hand it over; Franconville's director may do neither.
    for (const email of [ERMONT_ELECTED(), FRANCONVILLE_DIRECTOR()]) expect((await post(email, `${notes()}/${id}`, fields)).status).toBe(403);
    expect((await post(OUTSIDER(), `${notes()}/${id}`, fields)).status).toBe(404);
    expect((await post(OUTSIDER(), `/reseaux/${paysHaut.slug}/fiches/${id}`, fields)).status).toBe(404);

    for (const email of [ERMONT_ELECTED(), FRANCONVILLE_DIRECTOR()]) {
      const refused = await api(await tokenFor(email), `/api/v1/notes/${id}`, { method: "PATCH", json: { ownerUserId: elected } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("forbidden");
    }
    expect((await api(await tokenFor(OUTSIDER()), `/api/v1/notes/${id}`, { method: "PATCH", json: { ownerUserId: elected } })).status).toBe(404);
    expect(await ownerOf(id)).toBe(staff);

    // Its responsible may, through the API too, and only to an active member of Ermont.
    const responsible = await tokenFor(ERMONT_STAFF());
    const outside = await api(responsible, `/api/v1/notes/${id}`, { method: "PATCH", json: { ownerUserId: await userIdOf(app.database.db, FRANCONVILLE_STAFF()) } });
    expect(outside.status).toBe(422);
    expect(outside.body.error.details.ownerUserId[0]).toContain("n'est pas un membre actif du CCAS auteur de la fiche");
    const handed = await api(responsible, `/api/v1/notes/${id}`, { method: "PATCH", json: { ownerUserId: elected } });
    expect(handed.status).toBe(200);
    expect(handed.body.owner.id).toBe(elected);
  });
});

describe("read counts through the JSON API", () => {
  it("gives each page's and note's count, the same as the page shows, without counting the API's own reads", async () => {
    const pageId = await createPage(ERMONT_STAFF(), "Fonds de solidarité logement : saisine");
    const noteId = (await app.database.db.selectFrom("documents").select("id").where("title", "=", "Rompre l'isolement des personnes âgées : les appels de convivialité").executeTakeFirstOrThrow()).id;
    for (const reader of [FRANCONVILLE_STAFF(), COORDINATOR()]) await get(reader, `${wiki()}/${pageId}`);
    await get(FRANCONVILLE_DIRECTOR(), `${notes()}/${noteId}`);
    const noteCount = await readCountOf(noteId);
    expect(noteCount).toBeGreaterThanOrEqual(1);

    const token = await tokenFor(TAVERNY_STAFF());
    for (let round = 0; round < 2; round++) {
      const page = await api(token, `/api/v1/pages/${pageId}`);
      expect(page.body.readCount).toBe(2);
      const list = await api(token, `/api/v1/pages?network=${valParisis.slug}`);
      expect(list.body.items.find((item: { id: string }) => item.id === pageId)).toMatchObject({ readCount: 2 });
      expect((await api(token, `/api/v1/notes/${noteId}`)).body.readCount).toBe(noteCount);
      expect((await api(token, "/api/v1/notes")).body.items.find((item: { id: string }) => item.id === noteId).readCount).toBe(noteCount);
    }
    expect(await readCountOf(pageId)).toBe(2);
    expect(visibleText((await get(TAVERNY_STAFF(), `${wiki()}/${pageId}`)).text)).toContain("Consultée 3 fois");
    expect((await api(token, `/api/v1/pages/${pageId}`)).body.readCount).toBe(3);
  });
});
