import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexScanPool, type DatabaseHandle, type DB, type Executor } from "../../db/client.ts";
import type { DocumentVisibility } from "../../db/schema.ts";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import { renameDocument } from "../../app/features/documents/documents.server.ts";
import { stemmer as frenchStem } from "@orama/stemmers/french";
import { sql } from "kysely";
import { snippetHtml, snippetParts } from "../../app/features/search/query.ts";
import { foldForMatching } from "../../app/features/search/snippet-window.ts";
import { search, suggest, type SearchFilters } from "../../app/features/search/search.server.ts";
import { createTestDatabase } from "../support/database.ts";
import { addDocument as addDocumentTo, addTheme as addThemeOf, removeDemoKnowledge, writeText as writeTextOf } from "../support/documents.ts";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, userIdOf, type DemoNetwork } from "../support/fixtures.ts";

/**
 * Search quality on a small French corpus written for it, and the index kept current by the database
 * itself when documents, themes, visibility or agendas change. Runs on PGlite and on PostgreSQL.
 */

let database: DatabaseHandle;
let db: Executor;
let valParisis: DemoNetwork;
const ids: Record<string, string> = {};

async function addDocument(
  key: string,
  input: { kind: "wiki" | "practice"; title: string; body: string[]; organisation?: string; visibility?: DocumentVisibility; themes?: string[] },
) {
  const { organisation, ...rest } = input;
  ids[key] = await addDocumentTo(db, { ...rest, networkId: valParisis.id, ownerOrganisationId: organisation ? orgId(valParisis, organisation) : null });
}

const writeText = (documentId: string, paragraphs: string[]) => writeTextOf(db, documentId, paragraphs);
const addTheme = (documentId: string, label: string) => addThemeOf(db, valParisis.id, documentId, label);

const filler = (words: number) => Array.from({ length: words }, (_, i) => ["réunion", "partenaire", "commune", "dossier", "budget"][i % 5]).join(" ");

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  ({ valParisis } = await loadDemoNetworks(db));
  await removeDemoKnowledge(db);
  await addDocument("hospitalisation", {
    kind: "wiki",
    title: "Mesures provisoires du maire et hospitalisation d'office",
    body: [
      "En cas de danger imminent, le maire arrête des mesures provisoires à l'égard d'une personne dont le comportement révèle des troubles mentaux.",
      "Le préfet prononce ensuite les soins psychiatriques sur décision du représentant de l'État (SDRE), article L. 3213-2 du code de la santé publique.",
    ],
    themes: ["Santé mentale"],
  });
  await addDocument("sejours", {
    kind: "practice",
    title: "Séjours seniors à la mer",
    organisation: ERMONT,
    body: ["Chaque été, le CCAS organise des séjours pour les personnes âgées isolées avec l'ANCV, en lien avec le portage de repas."],
    themes: ["Personnes âgées"],
  });
  await addDocument("portage", {
    kind: "practice",
    title: "Portage de repas à domicile",
    organisation: FRANCONVILLE,
    body: ["Livraison en liaison froide aux personnes âgées et aux personnes handicapées, cinq jours sur sept."],
    themes: ["Personnes âgées", "Aide alimentaire"],
  });
  await addDocument("brouillon", {
    kind: "practice",
    title: "Épicerie solidaire (brouillon)",
    organisation: FRANCONVILLE,
    visibility: "organisation",
    body: ["Projet confidentiel d'épicerie sociale : zorglub, aide alimentaire pour les étudiants."],
    themes: ["Aide alimentaire"],
  });
  await addDocument("rsa", {
    kind: "wiki",
    title: "Revenu de solidarité active (RSA) : orientation",
    body: ["Le département oriente le bénéficiaire vers un référent unique ; le contrat d'engagements réciproques fixe ses objectifs."],
    themes: ["Insertion et RSA"],
  });
  await addDocument("abs", {
    kind: "wiki",
    title: "Analyse des besoins sociaux (ABS)",
    body: ["La domiciliation des personnes sans domicile stable ouvre l'analyse.", filler(3000), "Elle se conclut sur la précarité énergétique."],
  });
  await addDocument("admission", {
    kind: "wiki",
    title: "Admission d’office en établissement",
    body: ["Cas où l’admission est prononcée d’office par l’autorité administrative."],
  });
  await addDocument("nonrecours", {
    kind: "practice",
    title: "Aller vers les habitants",
    organisation: ERMONT,
    body: ["Des permanences en porte-à-porte pour lutter contre le non-recours aux droits. <script>alert('x')</script> isolement"],
  });
});
afterAll(async () => {
  await database?.close();
});

async function actorOf(role: "coordinator" | "staff" | "director", inseeCode?: string) {
  return loadActor(db, await userIdOf(db, demoEmail("val-parisis", role, inseeCode)));
}

async function find(query: string, options: { as?: "ermont" | "franconville"; filters?: SearchFilters } = {}) {
  const actor = await actorOf("staff", options.as === "franconville" ? FRANCONVILLE : ERMONT);
  return search(db, { actor, networkId: valParisis.id, query, filters: options.filters });
}

async function foundKeys(query: string, options: Parameters<typeof find>[1] = {}): Promise<string[]> {
  const results = await find(query, options);
  const byId = new Map(Object.entries(ids).map(([key, id]) => [id, key]));
  return results.hits.map((hit) => (hit.documentId ? (byId.get(hit.documentId) ?? hit.title) : hit.title));
}

describe("French search quality", () => {
  it("ignores accents and case, both ways", async () => {
    expect(await foundKeys("personnes agees")).toEqual(expect.arrayContaining(["sejours", "portage"]));
    expect(await foundKeys("PERSONNES ÂGÉES")).toEqual(expect.arrayContaining(["sejours", "portage"]));
    expect(await foundKeys("epicerie", { as: "franconville" })).toContain("brouillon");
  });

  it("stems plurals and feminines: « séjour senior » finds « Séjours seniors »", async () => {
    expect((await foundKeys("séjour senior"))[0]).toBe("sejours");
    expect((await foundKeys("sejour senior"))[0]).toBe("sejours");
  });

  it("treats straight and typographic apostrophes alike", async () => {
    expect(await foundKeys("hospitalisation d'office")).toContain("hospitalisation");
    expect(await foundKeys("hospitalisation d’office")).toContain("hospitalisation");
    expect(await foundKeys("admission d'office")).toContain("admission");
    expect(await foundKeys("admission d’office")).toContain("admission");
  });

  it("splits hyphenated words, in the text and in the query", async () => {
    expect(await foundKeys("non-recours")).toContain("nonrecours");
    expect(await foundKeys("non recours")).toContain("nonrecours");
    expect(await foundKeys("porte à porte")).toContain("nonrecours");
  });

  it("finds abbreviations", async () => {
    const sdre = await foundKeys("SDRE");
    expect(sdre).toContain("hospitalisation");
    expect(sdre).toContain("Soins sans consentement (SDRE) : le rôle du maire"); // the demo's agenda item
    expect(await foundKeys("RSA")).toContain("rsa");
    expect(await foundKeys("ABS")).toContain("abs");
    expect(await foundKeys("ccas")).toContain("sejours");
  });

  it("matches words thousands of words apart", async () => {
    expect(await foundKeys("domiciliation précarité énergétique")).toEqual(["abs"]);
  });

  it("keeps quoted words together, in that order, and finds them apart without quotes", async () => {
    // Words are matched without their positions first; only a phrase reads them (migration 0013).
    expect((await foundKeys('"portage de repas"')).sort()).toEqual(["portage", "sejours"]);
    expect(await foundKeys('"repas portage"')).toEqual([]);
    expect((await foundKeys("repas portage")).sort()).toEqual(["portage", "sejours"]);
    expect(await foundKeys('"mesures provisoires" "hospitalisation d\'office"')).toEqual(["hospitalisation"]);
  });

  it("ranks a title match above a body match", async () => {
    const found = await foundKeys("portage de repas");
    expect(found.slice(0, 2)).toEqual(["portage", "sejours"]);
  });

  it("answers an empty result, not an error, to stop words, punctuation, nothing to find, or 10,000 characters", async () => {
    for (const query of ["le la de", "les", "!!! ??? …", "   ", "xylophonesque"]) {
      const results = await find(query);
      expect(results.hits, query).toEqual([]);
      expect(results.total).toBe(0);
    }
    expect((await find("le la de")).searched).toBe(false);
    const long = await find("séjours ".repeat(1250));
    expect(long.truncated).toBe(true);
    expect(long.hits.length).toBeGreaterThan(0);
  });

  it("highlights the matched words in a snippet, and escapes the text around them", async () => {
    const [hit] = (await find("non-recours isolement")).hits;
    const marked = snippetParts(hit!.snippet).filter((part) => part.matched).map((part) => part.text.toLowerCase());
    expect(marked).toContain("isolement");
    const html = snippetHtml(hit!.snippet);
    // ts_headline drops what looks like a tag; whatever remains is escaped by snippetHtml (tests/unit/search-query.test.ts).
    expect(html).not.toContain("<script");
    expect(html).toContain("<mark>isolement</mark>");
  });

  it("highlights with the stemmer the index uses: every word of the corpus stems alike in JavaScript and in fr_unaccent", async () => {
    const texts = await sql<{ text: string }>`select title || ' ' || excerpt as text from search_entries`.execute(db);
    const words = [...new Set(texts.rows.flatMap((row) => row.text.toLowerCase().match(/\p{L}{2,}/gu) ?? []))];
    const { rows } = await sql<{ word: string; lexemes: string[] }>`
      select w.word, tsvector_to_array(to_tsvector('fr_unaccent', w.word)) as lexemes from unnest(${words}::text[]) as w(word)
    `.execute(db);
    const compared = rows.filter((row) => row.lexemes.length === 1);
    expect(compared.length).toBeGreaterThan(100);
    const disagreeing = compared.filter((row) => frenchStem(foldForMatching(row.word)) !== row.lexemes[0]).map((row) => `${row.word}: ${row.lexemes[0]}`);
    expect(disagreeing).toEqual([]);
    const [hit] = (await find("personnes agees")).hits;
    const marked = snippetParts(hit!.snippet).filter((part) => part.matched).map((part) => foldForMatching(part.text));
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.every((word) => /^(personnes?|agee?s?)$/.test(word))).toBe(true);
  });

  it("suggests titles while the last word is still being typed", async () => {
    const actor = await actorOf("staff", ERMONT);
    const titles = async (query: string) => (await suggest(db, { actor, networkId: valParisis.id, query })).map((s) => s.title);
    expect(await titles("hospitalisation d'off")).toContain("Mesures provisoires du maire et hospitalisation d'office");
    expect(await titles("séj")).toContain("Séjours seniors à la mer");
    expect(await titles("zorgl")).toEqual([]);
  });
});

describe("filters and counts", () => {
  it("counts by kind, CCAS, theme and year, and filters by each", async () => {
    const all = await find("personnes");
    const kinds = Object.fromEntries(all.facets.kinds.map((k) => [k.value, k.count]));
    expect(kinds.practice).toBe(2);
    expect(all.facets.organisations.map((o) => o.label)).toEqual(expect.arrayContaining(["CCAS d'Ermont", "CCAS de Franconville"]));
    const elderly = all.facets.themes.find((t) => t.label === "Personnes âgées")!;
    expect(elderly.count).toBe(2);

    const byTheme = await find("personnes", { filters: { themeId: elderly.value } });
    expect(byTheme.total).toBe(2);
    const byOrganisation = await find("personnes", { filters: { organisationId: orgId(valParisis, FRANCONVILLE) } });
    expect(byOrganisation.hits.map((h) => h.title)).toContain("Portage de repas à domicile");
    expect(byOrganisation.hits.map((h) => h.title)).not.toContain("Séjours seniors à la mer");
    const byKind = await find("SDRE", { filters: { kind: "agenda_item" } });
    expect(byKind.hits.every((h) => h.kind === "agenda_item")).toBe(true);
    expect(byKind.facets.kinds.find((k) => k.value === "wiki")?.count).toBe(1); // the kind facet ignores the kind filter
    // Each year's count is what filtering by that year finds, and the years share out every result (the demo's next
    // round table may fall in the next calendar year, so no single year is assumed).
    expect(all.facets.years.reduce((sum, year) => sum + year.count, 0)).toBe(all.total);
    for (const year of all.facets.years) expect((await find("personnes", { filters: { year: year.value } })).total).toBe(year.count);
    expect((await find("personnes", { filters: { year: 1999 } })).total).toBe(0);
  });
});

describe("permissions", () => {
  it("never shows another CCAS's draft, not even in the counts; its own CCAS finds it", async () => {
    const ermont = await find("aide alimentaire", { as: "ermont" });
    expect(ermont.hits.map((h) => h.title)).not.toContain("Épicerie solidaire (brouillon)");
    expect(ermont.facets.organisations.find((o) => o.label === "CCAS de Franconville")?.count ?? 0).toBe(1);
    expect(ermont.total).toBe(1);
    expect((await find("zorglub", { as: "ermont" })).total).toBe(0);
    expect((await find("zorglub", { as: "ermont" })).facets.kinds).toEqual([]);

    const coordinator = await actorOf("coordinator");
    expect((await search(db, { actor: coordinator, networkId: valParisis.id, query: "zorglub" })).total).toBe(0);
    expect((await find("zorglub", { as: "franconville" })).total).toBe(1);
  });

  it("refuses a user of another network", async () => {
    const outsider = await loadActor(db, await userIdOf(db, demoEmail("pays-haut", "coordinator")));
    await expect(search(db, { actor: outsider, networkId: valParisis.id, query: "SDRE" })).rejects.toMatchObject({ status: 403 });
    await expect(suggest(db, { actor: outsider, networkId: valParisis.id, query: "SD" })).rejects.toMatchObject({ status: 403 });
  });
});

describe("the index follows every change without the features asking", () => {
  it("re-indexes an edited text after compaction", async () => {
    await writeText(ids.rsa!, ["Le texte parle désormais de la garantie jeunes et du contrat d'engagement jeune."]);
    expect(await foundKeys("garantie jeunes")).toContain("rsa");
    expect(await foundKeys("référent unique")).not.toContain("rsa");
  });

  it("follows a new title, new themes and a change of visibility", async () => {
    await renameDocument(db, ids.admission!, "Placement en foyer");
    expect(await foundKeys("placement foyer")).toContain("admission");
    expect((await foundKeys("admission")).includes("admission")).toBe(true); // still in the body

    await addTheme(ids.admission!, "Handicap");
    expect((await find("placement")).facets.themes.map((t) => t.label)).toContain("Handicap");

    await db.updateTable("documents").set({ visibility: "organisation", ownerOrganisationId: orgId(valParisis, FRANCONVILLE) }).where("id", "=", ids.admission!).execute();
    expect(await foundKeys("placement foyer", { as: "ermont" })).not.toContain("admission");
    expect(await foundKeys("placement foyer", { as: "franconville" })).toContain("admission");
    await db.deleteFrom("documents").where("id", "=", ids.admission!).execute();
    expect(await foundKeys("placement foyer", { as: "franconville" })).toEqual([]);
  });

  it("indexes agenda items and the agenda as they are proposed and edited", async () => {
    const meeting = await db.selectFrom("meetings").select(["id", "networkId"]).where("networkId", "=", valParisis.id).where("status", "=", "agenda_open").executeTakeFirstOrThrow();
    const item = await db
      .insertInto("agendaItems")
      .values({ meetingId: meeting.id, position: 99, title: "Chèques énergie", description: "Coordination avec les fournisseurs", kind: "exchange", estimatedMinutes: 20 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const results = await find("cheque energie");
    expect(results.hits.map((h) => h.kind)).toEqual(expect.arrayContaining(["agenda_item", "agenda"]));
    await db.updateTable("agendaItems").set({ title: "Tarification sociale de l'eau" }).where("id", "=", item.id).execute();
    expect((await find("cheque energie")).total).toBe(0);
    expect((await find("tarification eau")).hits.map((h) => h.kind)).toEqual(expect.arrayContaining(["agenda_item", "agenda"]));
  });
});

describe("planner settings of search statements", () => {
  it("on PostgreSQL, runs them on connections opened with index scans preferred; elsewhere, in a transaction that sets them", async () => {
    const pool = indexScanPool(db);
    if (database.kind === "pglite") {
      expect(pool).toBeUndefined();
    } else {
      const settings = await sql<{ seqscan: string; jit: string; planCache: string }>`
        select current_setting('enable_seqscan') as seqscan, current_setting('jit') as jit, current_setting('plan_cache_mode') as plan_cache`.execute(pool!);
      expect(settings.rows[0]).toEqual({ seqscan: "off", jit: "off", planCache: "force_custom_plan" });
      // The settings stay on those connections: other statements keep the planner's defaults.
      const other = await sql<{ seqscan: string }>`select current_setting('enable_seqscan') as seqscan`.execute(db);
      expect(other.rows[0]!.seqscan).toBe("on");
    }
    // Inside a caller's transaction, the statements stay in it, and the settings end with it.
    const actor = await actorOf("staff", ERMONT);
    await (db as DB).transaction().execute(async (tx) => {
      expect(indexScanPool(tx)).toBeUndefined();
      expect((await search(tx, { actor, networkId: valParisis.id, query: "personnes agees" })).total).toBeGreaterThan(0);
    });
    const after = await sql<{ seqscan: string }>`select current_setting('enable_seqscan') as seqscan`.execute(db);
    expect(after.rows[0]!.seqscan).toBe("on");
  });
});
