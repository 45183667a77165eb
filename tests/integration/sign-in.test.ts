import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WRONG_CREDENTIALS } from "../../app/features/auth/sign-in.server.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

const director = "direction@ccas-ermont.demo.tablee.fr";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const escapedWrongCredentials = WRONG_CREDENTIALS.replace(/'/g, "&#x27;");

describe("sign-in", () => {
  it("signs a demo director in and lands on their network", async () => {
    const client = new HttpClient(app.url);
    const response = await client.signIn(director);
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toMatch(/tablee_session=.+HttpOnly.*SameSite=Lax/i);
    const home = await client.get("/");
    expect(home.status).toBe(302);
    expect(home.location).toBe("/reseaux/tables-rondes-inter-ccas-du-val-parisis");
    const page = await client.get(home.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Tables rondes inter-CCAS du Val Parisis");
  });

  it("gives the same answer for an unknown e-mail and a wrong password, and keeps the e-mail typed", async () => {
    const unknown = await new HttpClient(app.url).signIn("personne@nulle-part.fr", "un-mot-de-passe");
    const wrong = await new HttpClient(app.url).signIn(director, "pas-le-bon-mot-de-passe");
    for (const response of [unknown, wrong]) {
      expect(response.status).toBe(200);
      expect(response.text).toContain(escapedWrongCredentials);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    expect(wrong.text).toContain(`value="${director}"`);
    expect(wrong.text).not.toContain("pas-le-bon-mot-de-passe");
  });
});
