import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateRules } from "../../app/features/auth/rate-limit.server.ts";
import { WRONG_CREDENTIALS } from "../../app/features/auth/sign-in.server.ts";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import { auditRows, awayFromWindowEdge, decodeHtml, demoEmail, HeaderClient, userIdOf } from "../support/fixtures.ts";
import type { HttpResponse } from "../support/http-client.ts";
import { startExtraServer } from "../support/second-server.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** Timeout of the tests that may first wait for a fresh rate-limit window. */
const WAITS_FOR_WINDOW = 120_000;
const THROTTLED = /Trop de tentatives de connexion\. Réessayez dans \d+ minutes?\./;

function attempt(baseUrl: string, ip: string, email: string, password: string): Promise<HttpResponse> {
  // The app trusts the loopback proxy, so X-Forwarded-For gives each "visitor" their own address.
  return new HeaderClient(baseUrl, { "x-forwarded-for": ip }).post("/connexion", { email, password, redirectTo: "/" });
}

function expectSignedIn(response: HttpResponse) {
  expect(response.status).toBe(302);
  expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith("tablee_session="))).toBe(true);
}

function expectRefused(response: HttpResponse, message: RegExp | string) {
  expect(response.status).toBe(200);
  expect(response.headers.get("set-cookie")).toBeNull();
  if (typeof message === "string") expect(decodeHtml(response.text)).toContain(message);
  else expect(decodeHtml(response.text)).toMatch(message);
}

describe("per-account limit on sign-in", () => {
  const email = demoEmail("val-parisis", "director", "95607");

  it(`refuses the attempt after ${rateRules.signInPerAccount.max} in the window, even with the right password and from new addresses`, async () => {
    await awayFromWindowEdge(rateRules.signInPerAccount.windowSeconds, 40);
    for (let i = 1; i <= rateRules.signInPerAccount.max; i++) {
      expectRefused(await attempt(app.url, `198.51.100.${i}`, email, `mauvais-mot-de-passe-${i}`), WRONG_CREDENTIALS);
    }
    const eleventh = await attempt(app.url, "198.51.100.200", email, DEMO_PASSWORD);
    expectRefused(eleventh, THROTTLED);
    expect(decodeHtml(eleventh.text)).not.toContain(WRONG_CREDENTIALS);
    // The address is folded: changing its case does not reset the counter.
    expectRefused(await attempt(app.url, "198.51.100.201", email.toUpperCase(), DEMO_PASSWORD), THROTTLED);
  }, WAITS_FOR_WINDOW);

  it("counts in the rate_limits table, and logs the refused attempt", async () => {
    const row = await app.database.db
      .selectFrom("rateLimits")
      .selectAll()
      .where("key", "=", `${rateRules.signInPerAccount.name}:${email}`)
      .executeTakeFirstOrThrow();
    expect(row.hits).toBeGreaterThan(rateRules.signInPerAccount.max);
    const throttled = await auditRows(app.database.db, "sign_in_throttled");
    expect(throttled.some((event) => event.subjectUserId !== null)).toBe(true);
    expect(await userIdOf(app.database.db, email)).toBe(throttled.at(-1)!.subjectUserId);
  });

  it("is enforced by a second app process on the same database", async () => {
    const second = await startExtraServer(app.database);
    try {
      expectRefused(await attempt(second.url, "198.51.100.202", email, DEMO_PASSWORD), THROTTLED);
      // The second process works for everyone else.
      expectSignedIn(await attempt(second.url, "198.51.100.202", demoEmail("val-parisis", "staff", "95607"), DEMO_PASSWORD));
    } finally {
      await second.close();
    }
  });

  it("does not lock out other accounts", async () => {
    expectSignedIn(await attempt(app.url, "198.51.100.200", demoEmail("val-parisis", "elected", "95607"), DEMO_PASSWORD));
  });
});

describe("per-address limit on sign-in", () => {
  it(`refuses an address after ${rateRules.signInPerIp.max} attempts on any accounts, but not the others`, async () => {
    await awayFromWindowEdge(rateRules.signInPerIp.windowSeconds, 45);
    const ip = "203.0.113.7";
    for (let i = 1; i <= rateRules.signInPerIp.max; i++) {
      expectRefused(await attempt(app.url, ip, `inconnu-${i}@exemple.fr`, "un-mot-de-passe"), WRONG_CREDENTIALS);
    }
    const email = demoEmail("val-parisis", "coordinator");
    expectRefused(await attempt(app.url, ip, email, DEMO_PASSWORD), THROTTLED);
    expectSignedIn(await attempt(app.url, "203.0.113.8", email, DEMO_PASSWORD));

    const row = await app.database.db
      .selectFrom("rateLimits")
      .select("hits")
      .where("key", "=", `${rateRules.signInPerIp.name}:${ip}`)
      .executeTakeFirstOrThrow();
    expect(row.hits).toBe(rateRules.signInPerIp.max + 1);
  }, WAITS_FOR_WINDOW);

  it("cannot be dodged by a forged X-Forwarded-For when the proxy is not trusted", async () => {
    const untrusting = await startExtraServer(app.database, { env: { TRUST_PROXY: "false" } });
    try {
      // Every request comes from 127.0.0.1 whatever it claims; that address has a fresh budget, spend it.
      const hitsBefore = async () =>
        (
          await app.database.db
            .selectFrom("rateLimits")
            .select("hits")
            .where("key", "=", `${rateRules.signInPerIp.name}:127.0.0.1`)
            .executeTakeFirst()
        )?.hits ?? 0;
      const before = await hitsBefore();
      await attempt(untrusting.url, "192.0.2.1", "x@exemple.fr", "un-mot-de-passe");
      await attempt(untrusting.url, "192.0.2.2", "y@exemple.fr", "un-mot-de-passe");
      expect((await hitsBefore()) - before).toBe(2);
      const forged = await app.database.db
        .selectFrom("rateLimits")
        .select("key")
        .where("key", "in", [`${rateRules.signInPerIp.name}:192.0.2.1`, `${rateRules.signInPerIp.name}:192.0.2.2`])
        .execute();
      expect(forged).toEqual([]);
    } finally {
      await untrusting.close();
    }
  });
});
