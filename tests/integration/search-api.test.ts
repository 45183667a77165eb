import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdmin } from "../../app/cli/admin.ts";
import { createApiToken } from "../../app/features/api/tokens.server.ts";
import { addDocument, removeDemoKnowledge } from "../support/documents.ts";
import { awayFromWindowEdge, decodeHtml, demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, userIdOf, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient, signedInClients } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * The search page, the header's suggestions, personal API tokens and the JSON API over HTTP, with users of
 * the same CCAS, another CCAS, another network, and anonymous callers.
 */

let app: TestApp;
let valParisis: DemoNetwork;
let paysHaut: DemoNetwork;
const ids: Record<string, string> = {};

const as = signedInClients(() => app.url);
const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
const COORDINATOR = () => demoEmail("val-parisis", "coordinator");
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");
const searchPath = (query: string) => `/reseaux/${valParisis.slug}/recherche?${query}`;

beforeAll(async () => {
  app = await startTestApp();
  const db = app.database.db;
  ({ valParisis, paysHaut } = await loadDemoNetworks(db));
  await removeDemoKnowledge(db);
  ids.hospitalisation = await addDocument(db, {
    networkId: valParisis.id,
    kind: "wiki",
    title: "Hospitalisation d'office : mesures provisoires du maire",
    body: ["Le maire arrête les mesures provisoires ; le préfet décide des soins (SDRE). <b>gras</b> & « guillemets »"],
    themes: ["Santé mentale"],
  });
  ids.seniors = await addDocument(db, {
    networkId: valParisis.id,
    kind: "practice",
    title: "Séjours seniors à la mer",
    ownerOrganisationId: orgId(valParisis, ERMONT),
    body: ["Des séjours pour les personnes âgées isolées."],
    themes: ["Personnes âgées"],
  });
  ids.draft = await addDocument(db, {
    networkId: valParisis.id,
    kind: "practice",
    title: "Brouillon : colis alimentaires",
    ownerOrganisationId: orgId(valParisis, FRANCONVILLE),
    visibility: "organisation",
    body: ["Distribution de colis aux personnes âgées, version confidentielle."],
  });
  ids.paysHaut = await addDocument(db, {
    networkId: paysHaut.id,
    kind: "wiki",
    title: "Personnes âgées du Pays-Haut",
    body: ["Une page d'un autre réseau."],
  });
});
afterAll(async () => {
  await app?.close();
});

async function tokenFor(email: string): Promise<string> {
  const created = await createApiToken(app.database.db, { userId: await userIdOf(app.database.db, email), name: "Tests" });
  if (!created.ok) throw new Error(created.message);
  return created.token;
}

async function api(token: string | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const response = await fetch(new URL(path, app.url), { ...init, headers });
  const text = await response.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

describe("the search page", () => {
  it("finds a page by a query without accents, highlights the words, and shows the counts", async () => {
    const response = await (await as(ERMONT_STAFF())).get(searchPath("q=personnes+agees&type=practice"));
    expect(response.status).toBe(200);
    const text = visibleText(response.text);
    expect(text).toContain("Séjours seniors à la mer");
    expect(text).not.toContain("Brouillon : colis alimentaires");
    expect(text).not.toContain("Personnes âgées du Pays-Haut");
    expect(text).toMatch(/1 résultat pour « personnes agees »/);
    expect(response.text).toMatch(/<mark>personnes<\/mark>/i);
    expect(text).toContain("Fiche pratique (1)");
  });

  it("shows a draft only to its own CCAS, in the results and the counts", async () => {
    const franconville = visibleText((await (await as(FRANCONVILLE_STAFF())).get(searchPath("q=personnes+agees&type=practice"))).text);
    expect(franconville).toContain("Brouillon : colis alimentaires");
    expect(franconville).toContain("Fiche pratique (2)");
    const coordinator = visibleText((await (await as(COORDINATOR())).get(searchPath("q=colis"))).text);
    expect(coordinator).toContain("Aucun résultat pour « colis »");
  });

  it("filters by kind through links that keep the query", async () => {
    const page = (await (await as(ERMONT_STAFF())).get(searchPath("q=SDRE&type=agenda_item"))).text;
    const text = visibleText(page);
    expect(text).toContain("Soins sans consentement (SDRE)");
    expect(text).not.toContain("Hospitalisation d'office : mesures provisoires du maire");
    expect(decodeHtml(page)).toContain(`?q=SDRE&type=wiki`);
  });

  it("escapes the document's text in snippets", async () => {
    const page = (await (await as(ERMONT_STAFF())).get(searchPath("q=guillemets"))).text;
    expect(page).not.toContain("<b>gras</b>");
  });

  it("answers stop words, punctuation and a 10,000-character query with a message, never a 500", async () => {
    const client = await as(ERMONT_STAFF());
    for (const query of ["le la les", "?!;:", "%27%22%3C%3E"]) {
      const response = await client.get(searchPath(`q=${query}`));
      expect(response.status).toBe(200);
      expect(visibleText(response.text)).toContain("Aucun mot à rechercher");
    }
    const long = await client.get(searchPath(`q=${"seniors+".repeat(1250)}`));
    expect(long.status).toBe(200);
    expect(visibleText(long.text)).toContain("seuls ses 200 premiers caractères ont été utilisés");
    const odd = await client.get(searchPath("q=s%C3%A9jour&ccas=pas-un-uuid&theme=x&annee=abc&page=-3"));
    expect(odd.status).toBe(200);
    expect(visibleText(odd.text)).toContain("Séjours seniors à la mer");
  });

  it("is a 404 for another network's member and sends anonymous visitors to sign in", async () => {
    expect((await (await as(OUTSIDER())).get(searchPath("q=seniors"))).status).toBe(404);
    const anonymous = await new HttpClient(app.url).get(searchPath("q=seniors"));
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toContain("/connexion");
  });

  it("has the search box in the header of every network page", async () => {
    const home = (await (await as(ERMONT_STAFF())).get(`/reseaux/${valParisis.slug}/annuaire`)).text;
    expect(home).toMatch(/role="search"/);
    expect(home).toMatch(/role="combobox"/);
  });
});

describe("suggestions as the user types", () => {
  const suggestions = async (email: string, query: string) =>
    (await as(email)).get(`/api/reseaux/${valParisis.slug}/suggestions?q=${encodeURIComponent(query)}`);

  it("completes the last word and links to the result", async () => {
    const response = await suggestions(ERMONT_STAFF(), "hospitalisation d'off");
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text);
    expect(body.suggestions[0]).toMatchObject({
      title: "Hospitalisation d'office : mesures provisoires du maire",
      kindLabel: "Veille réglementaire",
      path: `/reseaux/${valParisis.slug}/veille/${ids.hospitalisation}`,
    });
  });

  it("never suggests another CCAS's draft, and refuses outsiders and anonymous callers", async () => {
    expect(JSON.parse((await suggestions(ERMONT_STAFF(), "coli")).text).suggestions).toEqual([]);
    expect(JSON.parse((await suggestions(FRANCONVILLE_STAFF(), "coli")).text).suggestions).toHaveLength(1);
    expect((await suggestions(OUTSIDER(), "pers")).status).toBe(404);
    expect((await new HttpClient(app.url).get(`/api/reseaux/${valParisis.slug}/suggestions?q=pers`)).status).toBe(401);
  });
});

describe("personal API tokens on the profile", () => {
  it("creates a token shown once, lists it with its last use, and revokes it after confirmation", async () => {
    const client = await as(FRANCONVILLE_STAFF());
    const refused = await client.post("/profil", { intent: "create-token", name: "   " });
    expect(visibleText(refused.text)).toContain("Donnez un nom à ce jeton");

    const created = await client.post("/profil", { intent: "create-token", name: "Script de veille" });
    const token = decodeHtml(created.text).match(/value="(tablee_[^"]+)"/)?.[1];
    expect(token).toBeDefined();
    expect(visibleText(created.text)).toContain("il ne sera plus jamais affiché");
    const stored = await app.database.db.selectFrom("apiTokens").selectAll().where("name", "=", "Script de veille").executeTakeFirstOrThrow();
    expect(stored.tokenHash).not.toContain(token!);
    expect(JSON.stringify(stored)).not.toContain(token!);

    expect((await api(token!, "/api/v1/search?q=seniors")).status).toBe(200);
    const profile = await client.get("/profil");
    expect(visibleText(profile.text)).toContain("utilisé pour la dernière fois le");
    expect(profile.text).not.toContain(token!);

    const asked = await client.post("/profil", { intent: "revoke-token", tokenId: stored.id });
    expect(visibleText(asked.text)).toContain("Révoquer le jeton « Script de veille » ?");
    expect((await api(token!, "/api/v1/search?q=seniors")).status).toBe(200);
    await client.post("/profil", { intent: "revoke-token", tokenId: stored.id, confirm: "oui" });
    const after = await api(token!, "/api/v1/search?q=seniors");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("invalid_token");
  });

  it("cannot revoke someone else's token", async () => {
    await tokenFor(ERMONT_STAFF());
    const theirs = await app.database.db
      .selectFrom("apiTokens")
      .select("id")
      .where("userId", "=", await userIdOf(app.database.db, ERMONT_STAFF()))
      .executeTakeFirstOrThrow();
    const response = await (await as(FRANCONVILLE_STAFF())).post("/profil", { intent: "revoke-token", tokenId: theirs.id, confirm: "oui" });
    expect(visibleText(response.text)).toContain("Ce jeton n'existe pas ou a déjà été révoqué.");
    const row = await app.database.db.selectFrom("apiTokens").select("revokedAt").where("id", "=", theirs.id).executeTakeFirstOrThrow();
    expect(row.revokedAt).toBeNull();
  });

  it("npm run admin -- create-token prints a working token", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(["create-token", "--email", ERMONT_STAFF(), "--name", "Cron"], app.database.db, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    expect(code).toBe(0);
    const token = out.find((line) => line.startsWith("tablee_"))!;
    expect((await api(token, "/api/v1/search?q=seniors")).status).toBe(200);
    const unknown = await runAdmin(["create-token", "--email", "personne@exemple.fr"], app.database.db, { out: () => {}, err: (line) => err.push(line) });
    expect(unknown).toBe(1);
    expect(err.join("\n")).toContain("Aucun compte actif pour personne@exemple.fr");
    expect(await runAdmin(["create-token"], app.database.db, { out: () => {}, err: () => {} })).toBe(2);
  });
});

describe("GET /api/v1/search", () => {
  it("returns the same results and counts as the page", async () => {
    const token = await tokenFor(ERMONT_STAFF());
    const response = await api(token, "/api/v1/search?q=personnes+agees&kind=practice");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.body.network.slug).toBe(valParisis.slug);
    expect(response.body.results.map((r: { title: string }) => r.title)).toEqual(["Séjours seniors à la mer"]);
    expect(response.body.results[0].snippetHtml).toContain("<mark>");
    expect(response.body.results[0].url).toBe(`${app.url}/reseaux/${valParisis.slug}/fiches/${ids.seniors}`);
    expect(response.body.facets.kinds).toContainEqual({ value: "practice", label: "Fiche pratique", count: 1 });
    expect(response.body.total).toBe(1);

    const filtered = await api(token, `/api/v1/search?q=SDRE&kind=agenda_item&network=${valParisis.slug}`);
    expect(filtered.body.results.every((r: { kind: string }) => r.kind === "agenda_item")).toBe(true);
  });

  it("escapes markup found in a document", async () => {
    const token = await tokenFor(ERMONT_STAFF());
    const response = await api(token, "/api/v1/search?q=guillemets");
    expect(response.body.results[0].snippetHtml).not.toContain("<b>");
  });

  it("uses the token holder's permissions: no other CCAS's draft, another network is a 404", async () => {
    const ermont = await tokenFor(ERMONT_STAFF());
    expect((await api(ermont, "/api/v1/search?q=colis")).body.total).toBe(0);
    const franconville = await tokenFor(FRANCONVILLE_STAFF());
    expect((await api(franconville, "/api/v1/search?q=colis")).body.total).toBe(1);
    const outsider = await tokenFor(OUTSIDER());
    const other = await api(outsider, `/api/v1/search?q=personnes&network=${valParisis.slug}`);
    expect(other.status).toBe(404);
    expect(other.body.error).toEqual({ code: "not_found", message: expect.stringContaining("n'existe pas") });
    const own = await api(outsider, "/api/v1/search?q=personnes+agees&kind=wiki");
    expect(own.body.results.map((r: { title: string }) => r.title)).toEqual(["Personnes âgées du Pays-Haut"]);
  });

  it("asks a member of two networks to name one, searches the one named, and forgets a network left", async () => {
    const db = app.database.db;
    const userId = await userIdOf(db, ERMONT_STAFF());
    const token = await tokenFor(ERMONT_STAFF());
    const { id: membershipId } = await db
      .insertInto("memberships")
      .values({ userId, organisationId: [...paysHaut.organisations.values()][0]!.id, role: "staff" })
      .returning("id")
      .executeTakeFirstOrThrow();
    try {
      const unnamed = await api(token, "/api/v1/search?q=personnes+agees");
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.error).toEqual({ code: "network_required", message: expect.stringContaining(`${paysHaut.slug}, ${valParisis.slug}`) });
      const named = await api(token, `/api/v1/search?q=personnes+agees&kind=wiki&network=${paysHaut.slug}`);
      expect(named.body.network).toEqual({ slug: paysHaut.slug, name: paysHaut.name });
      expect(named.body.results.map((r: { title: string }) => r.title)).toEqual(["Personnes âgées du Pays-Haut"]);

      await db.updateTable("memberships").set({ deactivatedAt: new Date() }).where("id", "=", membershipId).execute();
      const left = await api(token, "/api/v1/search?q=personnes+agees&kind=practice");
      expect(left.status).toBe(200);
      expect(left.body.network).toEqual({ slug: valParisis.slug, name: valParisis.name });
      expect(left.body.results.map((r: { title: string }) => r.title)).toEqual(["Séjours seniors à la mer"]);
      expect((await api(token, `/api/v1/search?q=personnes&network=${paysHaut.slug}`)).status).toBe(404);
    } finally {
      await db.deleteFrom("memberships").where("id", "=", membershipId).execute();
    }
  });

  it("answers JSON errors with French messages and the right status", async () => {
    const token = await tokenFor(ERMONT_STAFF());
    const missing = await api(null, "/api/v1/search?q=x");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("unauthenticated");
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect((await api("tablee_faux", "/api/v1/search?q=x")).status).toBe(401);
    expect((await api("n'importe quoi", "/api/v1/search?q=x")).status).toBe(401);

    const noQuery = await api(token, "/api/v1/search");
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.error.message).toContain("paramètre q");
    const badKind = await api(token, "/api/v1/search?q=x&kind=video");
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.code).toBe("invalid_parameter");
    expect((await api(token, "/api/v1/search?q=x&organisation=12")).status).toBe(400);
    expect((await api(token, `/api/v1/search?q=${"a".repeat(10_001)}`)).status).toBe(413);
    const stopWords = await api(token, "/api/v1/search?q=le+la+les");
    expect(stopWords.status).toBe(200);
    expect(stopWords.body).toMatchObject({ searched: false, total: 0, results: [] });
    const long = await api(token, `/api/v1/search?q=${"seniors+".repeat(1200)}`);
    expect(long.body.truncated).toBe(true);
    const limited = await createApiToken(app.database.db, { userId: await userIdOf(app.database.db, ERMONT_STAFF()), name: "Limité" });
    if (!limited.ok) throw new Error(limited.message);
    await awayFromWindowEdge(60, 5);
    await app.database.db
      .insertInto("rateLimits")
      .values({ key: `api:token:${limited.id}`, windowStart: new Date(Math.floor(Date.now() / 60_000) * 60_000), hits: 300 })
      .execute();
    const tooMany = await api(limited.token, "/api/v1/search?q=seniors");
    expect(tooMany.status).toBe(429);
    expect(tooMany.body.error.code).toBe("rate_limited");
    expect(Number(tooMany.headers.get("retry-after"))).toBeGreaterThan(0);

    const unknownPath = await api(token, "/api/v1/nothing-here");
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.body.error.code).toBe("not_found");
  });

  it("the Bearer exemption from the same-origin check opens nothing to a cookie", async () => {
    const client = await as(ERMONT_STAFF());
    // A cross-site form post with the session cookie but no token: refused before reaching the API.
    const forged = await client.request("/api/v1/pages", {
      method: "POST",
      body: JSON.stringify({ title: "Page forgée" }),
      headers: { "content-type": "application/json" },
      origin: "https://evil.example",
    });
    expect(forged.status).toBe(403);
    // Even from our origin, the API does not accept the cookie instead of a token.
    const sameOrigin = await client.request("/api/v1/pages", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(sameOrigin.status).toBe(401);
    // A bogus Bearer with a valid cookie: skips the origin check, then fails on the token.
    const bogus = await client.request("/api/v1/pages", {
      method: "POST",
      body: JSON.stringify({ title: "Page forgée" }),
      headers: { "content-type": "application/json", authorization: "Bearer tablee_forged" },
      origin: "https://evil.example",
    });
    expect(bogus.status).toBe(401);
    const pages = await app.database.db.selectFrom("documents").select("id").where("title", "=", "Page forgée").execute();
    expect(pages).toEqual([]);
  });

  it("serves its OpenAPI description", async () => {
    const response = await api(null, "/api/v1/openapi.json");
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe("3.1.0");
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(["/api/v1/search", "/api/v1/pages", "/api/v1/pages/{id}", "/api/v1/notes", "/api/v1/notes/{id}"]),
    );
    // Lists and documents carry the read count the pages show.
    const { schemas } = response.body.components;
    for (const name of ["KnowledgeSummary", "KnowledgeDocument"]) expect(schemas[name].properties.readCount).toMatchObject({ type: "integer", minimum: 0 });
    for (const path of ["/api/v1/pages", "/api/v1/notes"]) {
      expect(response.body.paths[path].get.responses["200"].content["application/json"].schema.properties.items.items).toEqual({ $ref: "#/components/schemas/KnowledgeSummary" });
    }
    expect(response.body.paths["/api/v1/notes/{id}"].patch.requestBody.content["application/json"].schema.properties.ownerUserId).toBeDefined();
  });
});

describe("counts of very large result sets", () => {
  // 990 entries Ermont's staff may read and 60 drafts of Franconville, all with one rare word: more than the cap
  // (1,000) in all, fewer for Ermont. Inserted directly: the triggers would take minutes for 1,050 documents.
  const WORD = "zygomorphe";
  beforeAll(async () => {
    await sql`
      insert into search_entries (source, kind, network_id, organisation_id, restricted_to_organisation_id, title, theme_ids, year,
        excerpt, search_vector, updated_at)
      select 'test:capped:' || g, 'practice', ${valParisis.id}::uuid,
        case when g <= 990 then ${orgId(valParisis, ERMONT)}::uuid else ${orgId(valParisis, FRANCONVILLE)}::uuid end,
        case when g <= 990 then null else ${orgId(valParisis, FRANCONVILLE)}::uuid end,
        'Fiche ' || ${WORD} || ' ' || g, '{}', 2020 + g % 5, 'Texte ' || ${WORD},
        setweight(to_tsvector('fr_unaccent', 'Fiche ' || ${WORD} || ' ' || g), 'A') || setweight(to_tsvector('fr_unaccent', 'Texte ' || ${WORD}), 'C'),
        now() - g * interval '1 day'
      from generate_series(1, 1050) as g
    `.execute(app.database.db);
  });
  afterAll(async () => {
    await app.database.db.deleteFrom("searchEntries").where("source", "like", "test:capped:%").execute();
  });

  it("says « plus de 1 000 » and gives facet counts as minimums beyond the cap, on the page and in the API", async () => {
    const page = visibleText((await (await as(FRANCONVILLE_STAFF())).get(searchPath(`q=${WORD}`))).text);
    expect(page).toMatch(/Plus de 1\s000 résultats pour « zygomorphe »/);
    expect(page).toMatch(/Fiche pratique \(au moins 1\s00\d\)/);
    expect(page).toContain("les nombres ne portent que sur les premiers trouvés");
    expect(page).toMatch(/Page 1 sur 50/);

    const response = await api(await tokenFor(FRANCONVILLE_STAFF()), `/api/v1/search?q=${WORD}`);
    expect(response.body).toMatchObject({ total: 1000, totalCapped: true, facetsApproximate: true, pageCount: 50 });
    expect(response.body.results).toHaveLength(20);
    const kinds = response.body.facets.kinds as Array<{ value: string; count: number }>;
    expect(kinds).toEqual([{ value: "practice", label: "Fiche pratique", count: 1001 }]);
  });

  it("never counts what the user may not read, even to reach the cap: 990 exact results for another CCAS", async () => {
    const page = visibleText((await (await as(ERMONT_STAFF())).get(searchPath(`q=${WORD}`))).text);
    expect(page).toMatch(/990 résultats pour « zygomorphe »/);
    expect(page).not.toContain("Plus de");
    expect(page).not.toContain("au moins");
    expect(page).not.toContain("CCAS de Franconville");

    const response = await api(await tokenFor(ERMONT_STAFF()), `/api/v1/search?q=${WORD}`);
    expect(response.body).toMatchObject({ total: 990, totalCapped: false, facetsApproximate: false });
    expect(response.body.facets.organisations).toEqual([{ value: orgId(valParisis, ERMONT), label: "CCAS d'Ermont", count: 990 }]);
    expect((response.body.facets.years as Array<{ count: number }>).reduce((sum, year) => sum + year.count, 0)).toBe(990);
    const filtered = await api(await tokenFor(ERMONT_STAFF()), `/api/v1/search?q=${WORD}&year=2021`);
    expect(filtered.body).toMatchObject({ total: 198, totalCapped: false });
  });

  it("counts a filter's results exactly under the cap even when the query alone is over it", async () => {
    const response = await api(await tokenFor(FRANCONVILLE_STAFF()), `/api/v1/search?q=${WORD}&organisation=${orgId(valParisis, FRANCONVILLE)}`);
    expect(response.body).toMatchObject({ total: 60, totalCapped: false, facetsApproximate: true });
    expect(response.body.results.every((r: { organisation: { name: string } }) => r.organisation.name === "CCAS de Franconville")).toBe(true);
  });
});

describe("watch pages and practice notes through the API", () => {
  it("lists and reads in HTML and Markdown, with the holder's permissions", async () => {
    const ermont = await tokenFor(ERMONT_STAFF());
    const list = await api(ermont, "/api/v1/notes");
    expect(list.status).toBe(200);
    const titles = list.body.items.map((item: { title: string }) => item.title);
    expect(titles).toContain("Séjours seniors à la mer");
    expect(titles).not.toContain("Brouillon : colis alimentaires");

    expect(list.body.items.find((item: { title: string }) => item.title === "Séjours seniors à la mer")).toMatchObject({ readCount: 0 });

    const page = await api(ermont, `/api/v1/pages/${ids.hospitalisation}`);
    expect(page.status).toBe(200);
    expect(page.body.readCount).toBe(0);
    expect(page.body.html).toContain("<p>");
    expect(page.body.markdown).toContain("Le maire arrête les mesures provisoires");
    expect((await api(ermont, `/api/v1/notes/${ids.draft}`)).status).toBe(404);
    expect((await api(ermont, `/api/v1/pages/${ids.paysHaut}`)).status).toBe(404);
    expect((await api(ermont, "/api/v1/pages/pas-un-uuid")).status).toBe(404);
    expect((await api(ermont, `/api/v1/notes/${ids.hospitalisation}`)).status).toBe(404); // a watch page is not a note
  });

  it("creates a watch page from Markdown and finds it by search straight away", async () => {
    const token = await tokenFor(ERMONT_STAFF());
    const created = await api(token, "/api/v1/pages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Domiciliation des personnes sans domicile stable", themes: ["Logement"], markdown: "# Principe\n\nLe CCAS **domicilie** les personnes *sans domicile stable*." }),
    });
    expect(created.status).toBe(201);
    expect(created.body.html).toContain("<strong>domicilie</strong>");
    expect(created.body.markdown).toContain("**domicilie**");
    expect(created.headers.get("location")).toBe(`/api/v1/pages/${created.body.id}`);
    const found = await api(token, "/api/v1/search?q=domicilie+stable");
    expect(found.body.results[0].documentId).toBe(created.body.id);
  });

  it("creates a practice note for the holder's CCAS and updates it from HTML; another CCAS may read but not write", async () => {
    const token = await tokenFor(FRANCONVILLE_STAFF());
    const created = await api(token, "/api/v1/notes", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Permanence numérique", html: "<p>Aide aux démarches en ligne</p><script>alert(1)</script>", published: true }),
    });
    expect(created.status).toBe(201);
    expect(created.body.organisation.id).toBe(orgId(valParisis, FRANCONVILLE));
    expect(created.body.html).not.toContain("<script");

    const updated = await api(token, `/api/v1/notes/${created.body.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ html: "<p>Aide aux démarches et <em>ateliers</em></p>", partners: "Médiathèque" }),
    });
    expect(updated.status).toBe(200);
    expect(updated.body.markdown).toContain("*ateliers*");
    expect(updated.body.title).toBe("Permanence numérique");
    expect((await api(token, "/api/v1/search?q=ateliers+demarches")).body.results[0]?.documentId).toBe(created.body.id);

    const ermont = await tokenFor(ERMONT_STAFF());
    expect((await api(ermont, `/api/v1/notes/${created.body.id}`)).status).toBe(200);
    const refused = await api(ermont, `/api/v1/notes/${created.body.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Détournée" }),
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
  });

  it("hands a watch page over through PATCH: its responsible may, another member may not, and only to an active member", async () => {
    const owner = await tokenFor(ERMONT_STAFF());
    const patch = (token: string, id: string, body: unknown) =>
      api(token, `/api/v1/pages/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const created = await api(owner, "/api/v1/pages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Aide médicale de l'État : dépôt des demandes", ownerUserId: await userIdOf(app.database.db, FRANCONVILLE_STAFF()) }),
    });
    // The responsible of a new page is who wrote it, whatever the body says.
    expect(created.body.owner.id).toBe(await userIdOf(app.database.db, ERMONT_STAFF()));
    const franconville = await userIdOf(app.database.db, FRANCONVILLE_STAFF());
    expect((await patch(await tokenFor(FRANCONVILLE_STAFF()), created.body.id, { ownerUserId: franconville })).status).toBe(403);
    const stranger = await patch(owner, created.body.id, { ownerUserId: await userIdOf(app.database.db, OUTSIDER()) });
    expect(stranger.status).toBe(422);
    expect(stranger.body.error.details.ownerUserId[0]).toContain("n'est pas un membre actif du réseau");
    const handed = await patch(owner, created.body.id, { ownerUserId: franconville });
    expect(handed.status).toBe(200);
    expect(handed.body.owner).toMatchObject({ id: franconville, name: "Sophie Petit" });
  });

  it("refuses bad input with 400, 413, 415 and 422 and writes nothing", async () => {
    const token = await tokenFor(ERMONT_STAFF());
    const post = (body: string, contentType = "application/json") =>
      api(token, "/api/v1/pages", { method: "POST", headers: { "content-type": contentType }, body });
    const before = await app.database.db.selectFrom("documents").select("id").execute();

    expect((await post("{pas du json")).status).toBe(400);
    expect((await post("title=x", "application/x-www-form-urlencoded")).status).toBe(415);
    const empty = await post(JSON.stringify({ title: "" }));
    expect(empty.status).toBe(422);
    expect(empty.body.error.details.title[0]).toContain("titre");
    const theme = await post(JSON.stringify({ title: "Thème inconnu", themes: ["Astronomie"] }));
    expect(theme.status).toBe(422);
    expect(theme.body.error.details.themes).toBeDefined();
    const past = await post(JSON.stringify({ title: "Révision passée", reviewOn: "2001-01-01" }));
    expect(past.status).toBe(422);
    expect((await post(JSON.stringify({ title: "Trop gros", markdown: "a".repeat(9 * 1024 * 1024) }))).status).toBe(413);
    expect((await api(token, `/api/v1/pages/${ids.hospitalisation}`, { method: "DELETE" })).status).toBe(405);

    const after = await app.database.db.selectFrom("documents").select("id").execute();
    expect(after.length).toBe(before.length);
  });
});
