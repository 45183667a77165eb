import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingUid } from "../../app/features/roundtables/calendar.server.ts";
import { demoEmail, ERMONT, inputValue, loadDemoNetworks, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient, signedInClients } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * The private calendar subscription: a secret URL that calendar software
 * fetches without a session, listing every meeting of the owner's networks,
 * revocable and replaced at will.
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
const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");

async function createFeed(email: string): Promise<string> {
  const page = await (await as(email)).post("/profil/calendrier", { intent: "create", confirm: "oui" });
  expect(page.status).toBe(200);
  const url = inputValue(page.text, "feedUrl");
  expect(url).toMatch(/\/calendrier\/[A-Za-z0-9_-]+\.ics$/);
  return new URL(url!).pathname;
}

/** What a calendar application does: an anonymous GET, then parsing. */
async function subscribe(path: string) {
  const response = await new HttpClient(app.url).get(path);
  return { status: response.status, response, events: response.status === 200 ? parseEvents(response.text) : [] };
}

function parseEvents(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const zone = new ICAL.Timezone(calendar.getFirstSubcomponent("vtimezone")!);
  ICAL.TimezoneService.register(zone);
  return calendar.getAllSubcomponents("vevent").map((component) => new ICAL.Event(component));
}

async function meetingIdsOf(networkId: string) {
  return (await app.database.db.selectFrom("meetings").select("id").where("networkId", "=", networkId).execute()).map((row) => row.id);
}

describe("private calendar subscription", () => {
  it("gives every meeting of the user's networks, and only those, to an anonymous calendar client", async () => {
    const { status, response, events } = await subscribe(await createFeed(ERMONT_STAFF()));
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-store");
    const expected = (await meetingIdsOf(valParisis.id)).map(meetingUid).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(events.map((event) => event.uid).sort()).toEqual(expected);
    for (const event of events) {
      expect(event.startDate.zone?.tzid).toBe("Europe/Paris");
      expect(event.summary).toMatch(/^Table ronde inter-CCAS — /);
      expect(event.component.getFirstPropertyValue("categories")).toBe(valParisis.name);
    }
    const outsiders = (await meetingIdsOf(paysHaut.id)).map(meetingUid);
    const { events: outsiderEvents } = await subscribe(await createFeed(OUTSIDER()));
    expect(outsiderEvents.map((event) => event.uid).sort()).toEqual(outsiders.sort());
    expect(outsiderEvents.some((event) => expected.includes(event.uid))).toBe(false);
  });

  it("shows the secret once, then only the link's state", async () => {
    const path = await createFeed(ERMONT_STAFF());
    await subscribe(path);
    const page = await (await as(ERMONT_STAFF())).get("/profil/calendrier");
    expect(page.text).not.toContain(path);
    expect(visibleText(page.text)).toMatch(/Un lien est actif depuis le .*Dernière consultation par un agenda/);
  });

  it("asks before replacing a link, then the old one stops working", async () => {
    const oldPath = await createFeed(ERMONT_STAFF());
    const asking = await (await as(ERMONT_STAFF())).post("/profil/calendrier", { intent: "create" });
    expect(visibleText(asking.text)).toContain("Remplacer le lien ?");
    expect((await subscribe(oldPath)).status).toBe(200);
    const newPath = await createFeed(ERMONT_STAFF());
    expect(newPath).not.toBe(oldPath);
    expect((await subscribe(oldPath)).status).toBe(404);
    expect((await subscribe(newPath)).status).toBe(200);
  });

  it("revokes after confirmation", async () => {
    const path = await createFeed(ERMONT_STAFF());
    const asking = await (await as(ERMONT_STAFF())).post("/profil/calendrier", { intent: "revoke" });
    expect(visibleText(asking.text)).toContain("Révoquer le lien ?");
    expect((await subscribe(path)).status).toBe(200);
    const done = await (await as(ERMONT_STAFF())).post("/profil/calendrier", { intent: "revoke", confirm: "oui" });
    expect(visibleText(done.text)).toContain("Le lien est révoqué");
    expect((await subscribe(path)).status).toBe(404);
    expect(visibleText((await (await as(ERMONT_STAFF())).get("/profil/calendrier")).text)).toContain("Aucun lien actif.");
  });

  it("stops serving a deactivated account, and unknown secrets look the same as revoked ones", async () => {
    const email = demoEmail("val-parisis", "elected", ERMONT);
    const path = await createFeed(email);
    await app.database.db.updateTable("users").set({ deactivatedAt: new Date() }).where("email", "=", email).execute();
    const gone = await subscribe(path);
    expect(gone.status).toBe(404);
    expect(gone.response.text).toBe("Abonnement inconnu ou révoqué.");
    expect((await subscribe("/calendrier/not-a-real-secret-at-all-0000000.ics")).response.text).toBe("Abonnement inconnu ou révoqué.");
    expect((await subscribe("/calendrier/x")).status).toBe(404);
  });

  it("needs a session to manage the link", async () => {
    const anonymous = new HttpClient(app.url);
    expect((await anonymous.get("/profil/calendrier")).status).toBe(302);
    expect((await anonymous.post("/profil/calendrier", { intent: "create", confirm: "oui" })).status).toBe(302);
  });
});
