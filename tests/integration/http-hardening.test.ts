import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, demoEmail, loadDemoNetworks, sessionCount, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startExtraServer } from "../support/second-server.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
let valParisis: DemoNetwork;
let member: HttpClient;
const email = demoEmail("val-parisis", "staff", "95252");

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis } = await loadDemoNetworks(app.database.db));
  member = new HttpClient(app.url);
  await member.signIn(email);
});
afterAll(async () => {
  await app?.close();
});

async function storedName(): Promise<string> {
  return (await app.database.db.selectFrom("users").select("name").where("email", "=", email).executeTakeFirstOrThrow()).name;
}

const stackTrace = /\bat [\w.<>]+ \(|node_modules|\.tsx?:\d+|\.js:\d+:\d+|TypeError|ReferenceError/;

describe("cross-site request forgery", () => {
  const CSRF_MESSAGE = "Requête refusée : elle ne provient pas de Tablée.";

  it("refuses a POST from a foreign origin, and changes nothing", async () => {
    const before = await storedName();
    const response = await member.post("/profil", { name: "Nom imposé par un autre site" }, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(response.text).toContain(CSRF_MESSAGE);
    expect(await storedName()).toBe(before);
  });

  it("refuses a POST with neither Origin nor Referer, and one whose origin is 'null'", async () => {
    const before = await storedName();
    const bare = await member.post("/profil", { name: "Sans origine" }, { origin: null });
    expect(bare.status).toBe(403);
    const sandboxed = await member.post("/profil", { name: "Origine nulle" }, { origin: "null" });
    expect(sandboxed.status).toBe(403);
    expect(await storedName()).toBe(before);
  });

  it("judges by the Referer when there is no Origin", async () => {
    const foreign = await member.request("/profil", {
      method: "POST",
      origin: null,
      headers: { "content-type": "application/x-www-form-urlencoded", referer: "https://evil.example/page" },
      body: new URLSearchParams({ name: "Par le referer étranger" }),
    });
    expect(foreign.status).toBe(403);
    const own = await member.request("/profil", {
      method: "POST",
      origin: null,
      headers: { "content-type": "application/x-www-form-urlencoded", referer: `${app.url}/profil` },
      body: new URLSearchParams({ name: "Sophie Petit" }),
    });
    expect(own.status).toBe(200);
    expect(visibleText(own.text)).toContain("Votre profil est enregistré.");
  });

  it("a forged sign-out does not end the session, a forged sign-in opens none", async () => {
    const signOut = await member.post("/deconnexion", {}, { origin: "https://evil.example" });
    expect(signOut.status).toBe(403);
    expect((await member.get(`/reseaux/${valParisis.slug}`)).status).toBe(200);

    const target = demoEmail("val-parisis", "elected", "95252");
    const signInsBefore = (await auditRows(app.database.db, "sign_in")).length;
    const forged = await new HttpClient(app.url).post(
      "/connexion",
      { email: target, password: "tablee-demo-2026" },
      { origin: "https://evil.example" },
    );
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
    expect(await sessionCount(app.database.db, target)).toBe(0);
    expect((await auditRows(app.database.db, "sign_in")).length).toBe(signInsBefore);
  });

  it("accepts the PUBLIC_URL origin when a proxy in front rewrote the Host header", async () => {
    const publicUrl = "https://tablee.example.fr";
    const behindProxy = await startExtraServer(app.database, { env: { PUBLIC_URL: publicUrl } });
    try {
      const client = new HttpClient(behindProxy.url);
      expect((await client.post("/connexion", { email, password: "tablee-demo-2026", redirectTo: "/profil" }, { origin: publicUrl })).status).toBe(302);
      const saved = await client.post("/profil", { name: "Sophie Petit-Public" }, { origin: publicUrl });
      expect(saved.status).toBe(200);
      expect(visibleText(saved.text)).toContain("Votre profil est enregistré.");
      expect(await storedName()).toBe("Sophie Petit-Public");
      expect((await client.post("/profil", { name: "Autre" }, { origin: "https://evil.example" })).status).toBe(403);
      expect(await storedName()).toBe("Sophie Petit-Public");
    } finally {
      await behindProxy.close();
    }
  });
});

describe("security headers", () => {
  function cspDirectives(header: string | null): Map<string, string[]> {
    expect(header).toBeTruthy();
    return new Map(
      header!
        .split(";")
        .map((part) => part.trim().split(/\s+/))
        .filter((words) => words[0])
        .map(([name, ...values]) => [name!, values]),
    );
  }

  it("allow scripts only from the site or with this response's nonce, which every inline script carries", async () => {
    const page = await new HttpClient(app.url).get("/connexion");
    const csp = cspDirectives(page.headers.get("content-security-policy"));
    const scriptSrc = csp.get("script-src")!;
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    const nonces = scriptSrc.filter((source) => source.startsWith("'nonce-"));
    expect(nonces).toHaveLength(1);
    const nonce = nonces[0]!.slice("'nonce-".length, -1);
    expect(nonce.length).toBeGreaterThanOrEqual(16);
    const scripts = page.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);

    const next = await new HttpClient(app.url).get("/connexion");
    expect(next.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("forbid framing, MIME sniffing and leaking the address to other sites", async () => {
    for (const path of ["/connexion", `/reseaux/${valParisis.slug}`, "/page-inexistante", "/favicon.svg"]) {
      const response = await member.get(path);
      const frameAncestors = cspDirectives(response.headers.get("content-security-policy")).get("frame-ancestors");
      const xfo = response.headers.get("x-frame-options");
      expect(frameAncestors?.join(" ") === "'none'" || /^(DENY|SAMEORIGIN)$/i.test(xfo ?? ""), path).toBe(true);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(response.headers.get("x-powered-by"), path).toBeNull();
    }
  });
});

describe("error pages", () => {
  it("a missing page is a French 404 with no technical detail", async () => {
    for (const client of [new HttpClient(app.url), member]) {
      const response = await client.get("/cette-page-n-existe-pas");
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
      expect(response.text).toContain('<html lang="fr"');
      const text = visibleText(response.text);
      expect(text).toContain("Page introuvable");
      expect(text).toContain("Revenir à l'accueil");
      expect(response.text).not.toMatch(stackTrace);
    }
    expect((await member.post("/cette-page-n-existe-pas", { a: "b" })).status).toBe(404);
    expect((await member.get(`/reseaux/${valParisis.slug}/rubrique-inconnue`)).status).toBe(404);
  });

  it("an address with broken %-encoding is a 400 in French, not a server failure", async () => {
    for (const path of ["/%E0%A4%A", `/reseaux/%ZZ`]) {
      const response = await member.get(path);
      expect(response.status, path).toBe(400);
      expect(response.text).toContain('lang="fr"');
      expect(response.text).not.toMatch(stackTrace);
    }
  });
});

describe("malformed request bodies", () => {
  const cases: Array<[string, string, string]> = [
    ["a broken multipart body", "multipart/form-data; boundary=----tablee", "ceci n'est pas du multipart"],
    ["a multipart body without boundary", "multipart/form-data", "name=x"],
    ["JSON instead of a form", "application/json", '{"email":"a@b.fr","password":"x"}'],
    ["plain text", "text/plain", "email=a@b.fr&password=x"],
  ];

  for (const [label, contentType, body] of cases) {
    it(`${label} gets a 400 page, never a 500`, async () => {
      for (const [client, path] of [
        [new HttpClient(app.url), "/connexion"],
        [member, "/profil"],
        [member, "/mot-de-passe-oublie"],
      ] as const) {
        const response = await client.request(path, { method: "POST", body, headers: { "content-type": contentType } });
        expect(response.status, `${path} ${label}`).toBe(400);
        expect(response.text).toContain('lang="fr"');
        expect(response.text).not.toMatch(stackTrace);
      }
    });
  }

  it("a body that cannot be read leaves the data untouched", async () => {
    const before = await storedName();
    await member.request("/profil", { method: "POST", body: "name=Pirate", headers: { "content-type": "application/json" } });
    expect(await storedName()).toBe(before);
  });
});
