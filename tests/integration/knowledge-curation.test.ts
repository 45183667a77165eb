import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import { search } from "../../app/features/search/search.server.ts";
import {
  demoEmail,
  ERMONT,
  FRANCONVILLE,
  loadDemoNetworks,
  TAVERNY,
  userIdOf,
  visibleText,
  type DemoNetwork,
} from "../support/fixtures.ts";
import { signedInClients, type HttpResponse } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * Looking after the watch wiki and the practice notes: read counts (once per member, page and day, never the
 * writer's own visits, and what search makes of them).
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
const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
const FRANCONVILLE_DIRECTOR = () => demoEmail("val-parisis", "director", FRANCONVILLE);
const TAVERNY_STAFF = () => demoEmail("val-parisis", "staff", TAVERNY);
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");

const wiki = () => `/reseaux/${valParisis.slug}/veille`;
const notes = () => `/reseaux/${valParisis.slug}/fiches`;

async function post(email: string, path: string, fields: Record<string, string>): Promise<HttpResponse> {
  return (await as(email)).post(path, fields);
}
async function get(email: string, path: string): Promise<HttpResponse> {
  return (await as(email)).get(path);
}

async function createPage(email: string, title: string, extra: Record<string, string> = {}, base = wiki()): Promise<string> {
  const response = await post(email, `${base}?index`, { intent: "page", title, ...extra });
  expect(response.status).toBe(302);
  return response.location!.split("/").pop()!;
}

const readCountOf = async (id: string) =>
  (await app.database.db.selectFrom("documents").select("readCount").where("id", "=", id).executeTakeFirstOrThrow()).readCount;

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
