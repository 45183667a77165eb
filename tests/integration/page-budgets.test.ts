import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, type DemoNetwork } from "../support/fixtures.ts";
import { signedInClients } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * Pages that only read ship at most 100 KB of gzipped JavaScript: everything the HTML makes the browser
 * load (module preloads, the entry and route modules, the manifest), measured on the production build.
 * The editor's code loads only where editing happens. See docs/decisions/009-page-budgets.md.
 */

const BUDGET_BYTES = 100 * 1024;
const clientDir = path.resolve(process.env.TABLEE_BUILD_DIR ?? "build", "client");

let app: TestApp;
let valParisis: DemoNetwork;
beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis } = await loadDemoNetworks(app.database.db));
});
afterAll(async () => {
  await app?.close();
});
const as = signedInClients(() => app.url);

/**
 * The scripts a page makes the browser load: module preloads and the inline module's imports. Other routes'
 * modules named in the route manifest load only when the user navigates there.
 */
function scriptsOf(html: string): string[] {
  const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+\.js)"/g)].map((match) => match[1]!);
  const imports = [...html.matchAll(/<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)].flatMap((match) =>
    [...match[1]!.matchAll(/(?:import|from)\s*\(?\s*"([^"]+\.js)"/g)].map((found) => found[1]!),
  );
  return [...new Set([...preloads, ...imports])];
}

function gzippedSize(asset: string): number {
  return gzipSync(readFileSync(path.join(clientDir, asset))).length;
}

async function javascriptOf(pagePath: string, email: string) {
  const response = await (await as(email)).get(pagePath);
  expect(response.status, pagePath).toBe(200);
  const scripts = scriptsOf(response.text);
  // The measure must see the page's real scripts, or every budget would pass.
  expect(scripts.some((script) => script.includes("entry.client")), `${pagePath} : scripts introuvables`).toBe(true);
  const sizes = scripts.map((script) => ({ script, bytes: gzippedSize(script) }));
  return { scripts, total: sizes.reduce((sum, entry) => sum + entry.bytes, 0), sizes };
}

async function readPages() {
  const base = `/reseaux/${valParisis.slug}`;
  const meeting = await app.database.db
    .selectFrom("meetings")
    .select("id")
    .where("hostOrganisationId", "=", orgId(valParisis, FRANCONVILLE))
    .executeTakeFirstOrThrow();
  const watchPage = await app.database.db
    .selectFrom("documents")
    .select("id")
    .where("networkId", "=", valParisis.id)
    .where("kind", "=", "wiki")
    .orderBy("createdAt")
    .executeTakeFirstOrThrow();
  return [
    { name: "accueil du réseau", path: base },
    { name: "résultats de recherche", path: `${base}/recherche?q=domiciliation` },
    { name: "page de veille", path: `${base}/veille/${watchPage.id}` },
    { name: "table ronde", path: `${base}/tables-rondes/${meeting.id}` },
    { name: "liste des tables rondes", path: `${base}/tables-rondes` },
    { name: "annuaire", path: `${base}/annuaire` },
  ];
}

describe("JavaScript budgets", () => {
  it("keeps every page that only reads within 100 KB of gzipped JavaScript, for a reader and for the host", async () => {
    for (const email of [demoEmail("val-parisis", "staff", ERMONT), demoEmail("val-parisis", "director", FRANCONVILLE)]) {
      for (const page of await readPages()) {
        const { total, sizes } = await javascriptOf(page.path, email);
        const detail = sizes.map((entry) => `${entry.script} ${(entry.bytes / 1024).toFixed(1)} KB`).join(", ");
        expect(total, `${page.name} (${email}) : ${(total / 1024).toFixed(1)} KB — ${detail}`).toBeLessThanOrEqual(BUDGET_BYTES);
        expect(sizes.some((entry) => /collaborative-editor|yjs|tiptap/i.test(entry.script)), `${page.name} charge l'éditeur`).toBe(false);
      }
    }
  });

  it("loads the editor where editing happens", async () => {
    const created = await (await as(demoEmail("val-parisis", "staff", ERMONT))).post(`/reseaux/${valParisis.slug}/notes`, { title: "Plan canicule" });
    expect(created.status).toBe(302);
    const { scripts } = await javascriptOf(created.location!, demoEmail("val-parisis", "staff", ERMONT));
    expect(scripts.some((script) => script.includes("collaborative-editor"))).toBe(true);
  });
});
