import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import {
  auditRows,
  decodeHtml,
  demoEmail,
  ERMONT,
  FRANCONVILLE,
  loadDemoNetworks,
  orgId,
  visibleText,
  type DemoNetwork,
} from "../support/fixtures.ts";
import { HttpClient, signedInClients, type HttpResponse } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

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

function valParisisUrls(): string[] {
  const base = `/reseaux/${valParisis.slug}`;
  const ermont = orgId(valParisis, ERMONT);
  return [
    base,
    `${base}/annuaire`,
    `${base}/annuaire/${ermont}`,
    `${base}/annuaire/${ermont}/modifier`,
    `${base}/annuaire/ajouter`,
    `${base}/membres`,
    `${base}/journal`,
    `${base}/tables-rondes`,
    `/api/reseaux/${valParisis.slug}/annuaire`,
  ];
}

function expectNothingOf(network: DemoNetwork, response: HttpResponse) {
  const body = decodeHtml(response.text);
  expect(body).not.toContain(network.name);
  for (const organisation of network.organisations.values()) {
    expect(body).not.toContain(organisation.name);
    expect(body).not.toContain(organisation.communeName);
  }
}

describe("between networks", () => {
  it("a member of the other network gets 404 on every Val Parisis address, with no name leaking", async () => {
    for (const email of [demoEmail("pays-haut", "director"), demoEmail("pays-haut", "coordinator")]) {
      const outsider = await as(email);
      for (const url of valParisisUrls()) {
        const response = await outsider.get(url);
        expect(response.status, `${email} ${url}`).toBe(404);
        expectNothingOf(valParisis, response);
      }
    }
  });

  it("answers exactly as for a network that does not exist", async () => {
    const outsider = await as(demoEmail("pays-haut", "director"));
    const real = await outsider.get(`/reseaux/${valParisis.slug}/annuaire`);
    const made_up = await outsider.get("/reseaux/reseau-qui-n-existe-pas/annuaire");
    expect(made_up.status).toBe(real.status);
    expect(visibleText(real.text)).toBe(visibleText(made_up.text));
  });

  it("the same holds the other way round", async () => {
    const coordinator = await as(demoEmail("val-parisis", "coordinator"));
    const thil = orgId(paysHaut, "54521");
    for (const url of [`/reseaux/${paysHaut.slug}`, `/reseaux/${paysHaut.slug}/annuaire/${thil}`, `/api/reseaux/${paysHaut.slug}/annuaire`]) {
      const response = await coordinator.get(url);
      expect(response.status, url).toBe(404);
      expectNothingOf(paysHaut, response);
    }
    // A Pays-Haut CCAS does not show through a Val Parisis address either.
    expect((await coordinator.get(`/reseaux/${valParisis.slug}/annuaire/${thil}`)).status).toBe(404);
    expect((await coordinator.get(`/reseaux/${valParisis.slug}/annuaire/${thil}/modifier`)).status).toBe(404);
  });

  it("a foreign write is refused with 404 and changes nothing", async () => {
    const outsider = await as(demoEmail("pays-haut", "coordinator"));
    const ermont = orgId(valParisis, ERMONT);
    const edit = await outsider.post(`/reseaux/${valParisis.slug}/annuaire/${ermont}/modifier`, {
      name: "CCAS piraté",
      kind: "ccas",
      address: "",
      phone: "",
      email: "",
    });
    expect(edit.status).toBe(404);
    const add = await outsider.post(`/reseaux/${valParisis.slug}/annuaire/ajouter`, { inseeCode: "95500" });
    expect(add.status).toBe(404);
    const organisation = await app.database.db.selectFrom("organisations").select("name").where("id", "=", ermont).executeTakeFirstOrThrow();
    expect(organisation.name).toBe(valParisis.organisations.get(ERMONT)!.name);
    const pontoise = await app.database.db
      .selectFrom("organisations")
      .select("id")
      .where("networkId", "=", valParisis.id)
      .where("inseeCode", "=", "95500")
      .executeTakeFirst();
    expect(pontoise).toBeUndefined();
  });

  it("the directory API gives members the network's CCAS and contacts, and nothing of the other network", async () => {
    const member = await as(demoEmail("val-parisis", "staff", ERMONT));
    const response = await member.get(`/api/reseaux/${valParisis.slug}/annuaire`);
    expect(response.status).toBe(200);
    const json = JSON.parse(response.text) as { network: { name: string }; organisations: Array<{ inseeCode: string; contacts: unknown[] }> };
    expect(json.network.name).toBe(valParisis.name);
    expect(json.organisations.map((organisation) => organisation.inseeCode).sort()).toEqual([...valParisis.organisations.keys()].sort());
    expect(json.organisations.find((organisation) => organisation.inseeCode === ERMONT)!.contacts.length).toBeGreaterThan(0);
    expectNothingOf(paysHaut, response);
    // No password hash or internal identifier of people leaks through it.
    expect(response.text).not.toMatch(/argon2|passwordHash|userId/);
  });
});

describe("editing a CCAS within the network", () => {
  const modifier = (inseeCode: string) => `/reseaux/${valParisis.slug}/annuaire/${orgId(valParisis, inseeCode)}/modifier`;

  it("staff and elected officials get 403 on their own CCAS and on another", async () => {
    for (const role of ["staff", "elected"] as const) {
      const client = await as(demoEmail("val-parisis", role, ERMONT));
      for (const inseeCode of [ERMONT, FRANCONVILLE]) {
        const response = await client.get(modifier(inseeCode));
        expect(response.status, `${role} ${inseeCode}`).toBe(403);
        expect(visibleText(response.text)).toContain("Accès refusé");
      }
      const write = await client.post(modifier(ERMONT), { name: `Modifié par ${role}`, kind: "ccas" });
      expect(write.status).toBe(403);
    }
    const stored = await app.database.db.selectFrom("organisations").select("name").where("id", "=", orgId(valParisis, ERMONT)).executeTakeFirstOrThrow();
    expect(stored.name).toBe(valParisis.organisations.get(ERMONT)!.name);
  });

  it("a director edits their own CCAS (200) but not another (403)", async () => {
    const director = await as(demoEmail("val-parisis", "director", ERMONT));
    expect((await director.get(modifier(ERMONT))).status).toBe(200);
    expect((await director.get(modifier(FRANCONVILLE))).status).toBe(403);
    const refused = await director.post(modifier(FRANCONVILLE), { name: "CCAS de Franconville (modifié)", kind: "ccas" });
    expect(refused.status).toBe(403);

    const saved = await director.post(modifier(ERMONT), {
      name: "CCAS d'Ermont",
      kind: "ccas",
      address: "100 rue Louis Savoie, 95120 Ermont",
      phone: "01 34 44 10 30",
      email: "ccas@ville-ermont.fr",
    });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/reseaux/${valParisis.slug}/annuaire/${orgId(valParisis, ERMONT)}`);
    const page = visibleText((await director.get(saved.location!)).text);
    expect(page).toContain("100 rue Louis Savoie, 95120 Ermont");
    expect(page).toContain("01 34 44 10 30");
    const franconville = await app.database.db
      .selectFrom("organisations")
      .select(["name", "address"])
      .where("id", "=", orgId(valParisis, FRANCONVILLE))
      .executeTakeFirstOrThrow();
    expect(franconville).toEqual({ name: valParisis.organisations.get(FRANCONVILLE)!.name, address: null });
  });

  it("the coordinator edits any CCAS of the network", async () => {
    const coordinator = await as(demoEmail("val-parisis", "coordinator"));
    expect((await coordinator.get(modifier(FRANCONVILLE))).status).toBe(200);
    expect((await coordinator.get(modifier("95607"))).status).toBe(200);
  });

  it("a malformed CCAS identifier is a 404, not an error", async () => {
    const coordinator = await as(demoEmail("val-parisis", "coordinator"));
    expect((await coordinator.get(`/reseaux/${valParisis.slug}/annuaire/pas-un-identifiant/modifier`)).status).toBe(404);
    expect((await coordinator.get(`/reseaux/${valParisis.slug}/annuaire/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });
});

describe("anonymous visitors", () => {
  it("are sent to the sign-in page with the way back, for every network page, and get 401 from the API", async () => {
    const visitor = new HttpClient(app.url);
    for (const url of valParisisUrls()) {
      const response = await visitor.get(url);
      if (url.startsWith("/api/")) {
        expect(response.status, url).toBe(401);
        expect(JSON.parse(response.text)).toEqual({ error: "Connexion requise." });
        continue;
      }
      expect(response.status, url).toBe(302);
      expect(response.location).toBe(`/connexion?redirectTo=${encodeURIComponent(url)}`);
    }
    const home = await visitor.get("/");
    expect(home.status).toBe(302);
    expect(home.location).toBe("/connexion");
  });

  it("land back where they were going after signing in, but never on another site", async () => {
    const target = `/reseaux/${valParisis.slug}/annuaire`;
    const visitor = new HttpClient(app.url);
    const login = await visitor.post("/connexion", { email: demoEmail("val-parisis", "staff", FRANCONVILLE), password: "tablee-demo-2026", redirectTo: target });
    expect(login.status).toBe(302);
    expect(login.location).toBe(target);
    for (const evil of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const client = new HttpClient(app.url);
      const response = await client.post("/connexion", { email: demoEmail("val-parisis", "staff", FRANCONVILLE), password: "tablee-demo-2026", redirectTo: evil });
      expect(response.location, evil).toBe("/");
    }
  });
});

describe("adding a CCAS to the directory", () => {
  const addPath = () => `/reseaux/${valParisis.slug}/annuaire/ajouter`;

  it("the coordinator finds a commune by name and adds it by its INSEE code", async () => {
    const coordinator = await as(demoEmail("val-parisis", "coordinator"));
    const search = await coordinator.get(`${addPath()}?q=isle adam`);
    expect(search.status).toBe(200);
    expect(visibleText(search.text)).toContain("L'Isle-Adam");
    expect(search.text).toContain('value="95313"');

    const added = await coordinator.post(addPath(), { inseeCode: "95313" });
    expect(added.status).toBe(302);
    const created = await app.database.db
      .selectFrom("organisations")
      .selectAll()
      .where("networkId", "=", valParisis.id)
      .where("inseeCode", "=", "95313")
      .executeTakeFirstOrThrow();
    expect(added.location).toBe(`/reseaux/${valParisis.slug}/annuaire/${created.id}/modifier`);
    expect(created).toMatchObject({ communeName: "L'Isle-Adam", departmentCode: "95", kind: "ccas", populationYear: 2023 });
    expect(created.population).toBeGreaterThan(10_000);
    expect(created.name).toContain("L'Isle-Adam");
    const directory = visibleText((await coordinator.get(`/reseaux/${valParisis.slug}/annuaire`)).text);
    expect(directory).toContain(created.name);
    expect(directory).toContain(`${valParisis.organisations.size + 1} CCAS membres du réseau`);
    expect(await auditRows(app.database.db, "organisation_created")).toContainEqual(
      expect.objectContaining({ organisationId: created.id, networkId: valParisis.id }),
    );
  });

  it("refuses a commune already in the network with a French message, and adds nothing", async () => {
    const coordinator = await as(demoEmail("val-parisis", "coordinator"));
    const count = async () =>
      (
        await app.database.db
          .selectFrom("organisations")
          .select(sql<number>`count(*)::int`.as("n"))
          .where("networkId", "=", valParisis.id)
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    for (const inseeCode of [ERMONT, "95313"]) {
      const response = await coordinator.post(addPath(), { inseeCode });
      expect(response.status).toBe(200);
      expect(visibleText(response.text)).toMatch(/Le CCAS (de |d')\S.* fait déjà partie du réseau\./);
    }
    expect(visibleText((await coordinator.post(addPath(), { inseeCode: ERMONT })).text)).toContain(
      "Le CCAS d'Ermont fait déjà partie du réseau.",
    );
    const unknown = await coordinator.post(addPath(), { inseeCode: "99999" });
    expect(visibleText(unknown.text)).toContain("Cette commune est introuvable dans le référentiel officiel.");
    const malformed = await coordinator.post(addPath(), { inseeCode: "ermont" });
    expect(visibleText(malformed.text)).toContain("Code de commune invalide.");
    expect(await count()).toBe(before);
    // The search marks communes already in the network.
    expect(visibleText((await coordinator.get(`${addPath()}?q=95120`)).text)).toContain("déjà dans le réseau");
  });

  it("is refused (403) to everyone but the coordinator", async () => {
    for (const email of [demoEmail("val-parisis", "director", ERMONT), demoEmail("val-parisis", "staff", ERMONT)]) {
      const client = await as(email);
      expect((await client.get(addPath())).status).toBe(403);
      const response = await client.post(addPath(), { inseeCode: "95500" });
      expect(response.status).toBe(403);
    }
    const pontoise = await app.database.db
      .selectFrom("organisations")
      .select("id")
      .where("networkId", "=", valParisis.id)
      .where("inseeCode", "=", "95500")
      .executeTakeFirst();
    expect(pontoise).toBeUndefined();
  });

  it("the commune search API answers signed-in users only", async () => {
    const member = await as(demoEmail("val-parisis", "staff", ERMONT));
    const response = await member.get("/api/communes?q=thorigne");
    expect(response.status).toBe(200);
    const json = JSON.parse(response.text) as { communes: Array<{ name: string }> };
    expect(json.communes[0]!.name).toBe("Thorigné-Fouillard");
    const anonymous = await new HttpClient(app.url).get("/api/communes?q=thorigne");
    expect(anonymous.status).toBe(401);
    const tooLong = await member.get(`/api/communes?q=${"x".repeat(81)}`);
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.text).error).toBe("Recherche trop longue (80 caractères au plus).");
  });
});
