import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, demoEmail, HeaderClient, loadDemoNetworks, sessionCount, userIdOf, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startExtraServer } from "../support/second-server.ts";
import { startTestApp, type TestApp } from "../support/server.ts";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";

let app: TestApp;
let valParisis: DemoNetwork;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis } = await loadDemoNetworks(app.database.db));
});
afterAll(async () => {
  await app?.close();
});

function sessionCookieOf(headers: Headers): string | undefined {
  // The last one wins in a browser (a refresh and a sign-out may both be sent).
  return headers.getSetCookie().findLast((cookie) => cookie.startsWith("tablee_session="));
}

async function sessionsOf(email: string) {
  const userId = await userIdOf(app.database.db, email);
  return app.database.db.selectFrom("sessions").selectAll().where("userId", "=", userId).execute();
}

/** Moves every session of `email` in time, as if the clock had run. */
async function setSessionTimes(email: string, times: { lastSeenAt?: Date; expiresAt?: Date }) {
  const userId = await userIdOf(app.database.db, email);
  await app.database.db.updateTable("sessions").set(times).where("userId", "=", userId).execute();
}

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, for the whole site, 30 days, and not Secure over plain http", async () => {
    const client = new HttpClient(app.url);
    const response = await client.signIn(demoEmail("val-parisis", "staff", "95219"));
    expect(response.status).toBe(302);
    const cookie = sessionCookieOf(response.headers)!;
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).toMatch(/;\s*Max-Age=2592000/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it("is Secure when the request reached a trusted proxy (loopback) over https", async () => {
    const email = demoEmail("val-parisis", "elected", "95219");
    const client = new HeaderClient(app.url, { "x-forwarded-proto": "https" });
    const httpsOrigin = app.url.replace(/^http:/, "https:");
    const response = await client.post("/connexion", { email, password: DEMO_PASSWORD, redirectTo: "/" }, { origin: httpsOrigin });
    expect(response.status).toBe(302);
    expect(sessionCookieOf(response.headers)).toMatch(/;\s*Secure/i);

    // The sliding refresh, sent by the Express layer, keeps the flag too.
    await setSessionTimes(email, { lastSeenAt: new Date(Date.now() - 2 * 3600 * 1000) });
    const page = await client.get(`/reseaux/${valParisis.slug}`);
    expect(page.status).toBe(200);
    expect(sessionCookieOf(page.headers)).toMatch(/;\s*Secure/i);
  });

  it("ignores X-Forwarded-Proto when the proxy is not trusted (TRUST_PROXY=false)", async () => {
    const untrusting = await startExtraServer(app.database, { env: { TRUST_PROXY: "false" } });
    try {
      const email = demoEmail("val-parisis", "staff", "95252");
      const client = new HeaderClient(untrusting.url, { "x-forwarded-proto": "https" });
      // A browser really on https would send an https Origin: this server knows it is on http and refuses it.
      const spoofed = await client.post(
        "/connexion",
        { email, password: DEMO_PASSWORD },
        { origin: untrusting.url.replace(/^http:/, "https:") },
      );
      expect(spoofed.status).toBe(403);
      const response = await client.post("/connexion", { email, password: DEMO_PASSWORD, redirectTo: "/" });
      expect(response.status).toBe(302);
      const cookie = sessionCookieOf(response.headers)!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).not.toMatch(/;\s*Secure/i);
    } finally {
      await untrusting.close();
    }
  });
});

describe("sliding expiry", () => {
  const email = demoEmail("val-parisis", "director", "95252");
  let client: HttpClient;

  beforeAll(async () => {
    client = new HttpClient(app.url);
    expect((await client.signIn(email)).status).toBe(302);
  });

  it("does not touch a session seen less than an hour ago", async () => {
    const soon = new Date(Date.now() + 2 * DAY);
    await setSessionTimes(email, { lastSeenAt: new Date(Date.now() - 50 * 60 * 1000), expiresAt: soon });
    const page = await client.get(`/reseaux/${valParisis.slug}`);
    expect(page.status).toBe(200);
    expect(sessionCookieOf(page.headers)).toBeUndefined();
    const [session] = await sessionsOf(email);
    expect(session!.expiresAt.getTime()).toBe(soon.getTime());
  });

  it("pushes a session last seen over an hour ago to 30 days from now and sends the cookie again", async () => {
    const before = client.cookieHeader;
    await setSessionTimes(email, { lastSeenAt: new Date(Date.now() - 61 * 60 * 1000), expiresAt: new Date(Date.now() + 2 * DAY) });
    const started = Date.now();
    const page = await client.get(`/reseaux/${valParisis.slug}`);
    expect(page.status).toBe(200);
    const cookie = sessionCookieOf(page.headers);
    expect(cookie).toMatch(/Max-Age=2592000/);
    expect(cookie).toMatch(/HttpOnly/i);
    // Same session, same token: only its lifetime moved.
    expect(client.cookieHeader).toBe(before);
    const [session] = await sessionsOf(email);
    expect(Math.abs(session!.expiresAt.getTime() - (started + 30 * DAY))).toBeLessThan(60_000);
    expect(Math.abs(session!.lastSeenAt.getTime() - started)).toBeLessThan(60_000);

    const next = await client.get(`/reseaux/${valParisis.slug}`);
    expect(next.status).toBe(200);
    expect(sessionCookieOf(next.headers)).toBeUndefined();
  });

  it("sends an expired session to the sign-in page, with the way back", async () => {
    await setSessionTimes(email, { expiresAt: new Date(Date.now() - 60_000) });
    const page = await client.get(`/reseaux/${valParisis.slug}/annuaire`);
    expect(page.status).toBe(302);
    expect(page.location).toBe(`/connexion?redirectTo=${encodeURIComponent(`/reseaux/${valParisis.slug}/annuaire`)}`);
    // The expired row is not revived by the visit.
    const [session] = await sessionsOf(email);
    expect(session!.expiresAt.getTime()).toBeLessThan(Date.now());
  });
});

describe("signing out", () => {
  it("deletes the session row, clears the cookie, and the old cookie no longer opens anything", async () => {
    const email = demoEmail("val-parisis", "staff", "95607");
    const client = new HttpClient(app.url);
    await client.signIn(email);
    const stolen = client.cookieHeader;
    expect(await sessionCount(app.database.db, email)).toBe(1);
    expect((await client.get(`/reseaux/${valParisis.slug}`)).status).toBe(200);

    const out = await client.post("/deconnexion", {});
    expect(out.status).toBe(302);
    expect(out.location).toBe("/connexion");
    expect(sessionCookieOf(out.headers)).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect(await sessionCount(app.database.db, email)).toBe(0);
    expect((await auditRows(app.database.db, "sign_out")).some((row) => row.subjectUserId !== null)).toBe(true);

    expect((await client.get(`/reseaux/${valParisis.slug}`)).status).toBe(302);
    const replay = await fetch(new URL(`/reseaux/${valParisis.slug}`, app.url), { headers: { cookie: stolen }, redirect: "manual" });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/connexion\?redirectTo=/);
  });

  it("leaves the person's other sessions open", async () => {
    const email = demoEmail("val-parisis", "elected", "95252");
    const laptop = new HttpClient(app.url);
    const phone = new HttpClient(app.url);
    await laptop.signIn(email);
    await phone.signIn(email);
    expect(await sessionCount(app.database.db, email)).toBe(2);
    await laptop.post("/deconnexion", {});
    expect(await sessionCount(app.database.db, email)).toBe(1);
    expect((await phone.get(`/reseaux/${valParisis.slug}`)).status).toBe(200);
  });

  it("refuses a cookie whose signature was tampered with", async () => {
    const client = new HttpClient(app.url);
    await client.signIn(demoEmail("val-parisis", "coordinator"));
    const header = client.cookieHeader;
    const name = header.slice(0, header.indexOf("="));
    const value = decodeURIComponent(header.slice(header.indexOf("=") + 1));
    // Signed cookies read "<value>.<signature>": change one character of the signature.
    const at = value.lastIndexOf(".") + 3;
    const forged = `${value.slice(0, at)}${value[at] === "A" ? "B" : "A"}${value.slice(at + 1)}`;
    expect(forged).not.toBe(value);
    const tampered = `${name}=${encodeURIComponent(forged)}`;
    const response = await fetch(new URL(`/reseaux/${valParisis.slug}`, app.url), { headers: { cookie: tampered }, redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/connexion/);
  });
});
