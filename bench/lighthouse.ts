/**
 * npm run bench:lighthouse — Lighthouse (mobile settings: emulated phone, throttled CPU and network) on the
 * pages that only read, signed in as a member of the demo network, with Debian's Chromium.
 * Targets: performance ≥ 95, accessibility 100, best practices 100. Prints each page's scores, then one
 * JSON line with all of them and whether every target is met.
 *
 * Environment: CHROMIUM_PATH (/usr/bin/chromium), BENCH_RUNS (1: the median of several runs per page otherwise).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { createDb } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemo } from "../db/seed/demo.ts";
import { freePort, startChildServer } from "../tests/support/child-server.ts";
import { HttpClient } from "../tests/support/http-client.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const TARGETS = { performance: 95, accessibility: 100, "best-practices": 100 } as const;
type Category = keyof typeof TARGETS;

const dataDir = mkdtempSync(path.join(tmpdir(), "tablee-lighthouse-"));
const handle = await createDb({ dataDir: path.join(dataDir, "pglite") });
await migrateToLatest(handle.db);
await seedDemo(handle.db);
await handle.close();
const server = await startChildServer({ DATA_DIR: dataDir, TABLEE_DEMO: "0", LOG_LEVEL: "silent" }, await freePort());
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

try {
  const client = new HttpClient(server.url);
  await client.signIn("agent@ccas-ermont.demo.tablee.fr");
  const base = "/reseaux/tables-rondes-inter-ccas-du-val-parisis";
  const meetings = await client.get(`${base}/tables-rondes`);
  const meeting = meetings.text.match(new RegExp(`href="(${base}/tables-rondes/[0-9a-f-]{36})"`))?.[1];
  const wiki = await client.get(`${base}/veille`);
  const watchPage = wiki.text.match(new RegExp(`href="(${base}/veille/[0-9a-f-]{36})"`))?.[1];
  const pages = [base, meeting, `${base}/recherche?q=domiciliation`, watchPage].filter((page): page is string => Boolean(page));

  const results: Array<{ page: string } & Record<Category, number>> = [];
  for (const page of pages) {
    const runs: Array<Record<Category, number>> = [];
    for (let run = 0; run < RUNS; run++) {
      const outcome = await lighthouse(`${server.url}${page}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: Object.keys(TARGETS),
        extraHeaders: { Cookie: client.cookieHeader },
      });
      const categories = outcome!.lhr.categories;
      // What costs points, so that a score under its target says what to fix.
      for (const [name, category] of Object.entries(categories)) {
        if ((category.score ?? 0) * 100 >= TARGETS[name as Category]) continue;
        const failing = category.auditRefs
          .map((ref) => outcome!.lhr.audits[ref.id]!)
          .filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== "informative" && audit.scoreDisplayMode !== "manual");
        console.log(`  ${name} : ${failing.map((audit) => `${audit.id} (${audit.title})`).join(" ; ")}`);
      }
      runs.push({
        performance: Math.round((categories.performance?.score ?? 0) * 100),
        accessibility: Math.round((categories.accessibility?.score ?? 0) * 100),
        "best-practices": Math.round((categories["best-practices"]?.score ?? 0) * 100),
      });
    }
    const median = (category: Category) => runs.map((run) => run[category]).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const scores = { performance: median("performance"), accessibility: median("accessibility"), "best-practices": median("best-practices") };
    results.push({ page, ...scores });
    console.log(`${page}\n  performance ${scores.performance} · accessibilité ${scores.accessibility} · bonnes pratiques ${scores["best-practices"]}`);
  }
  const met = results.every((result) => (Object.keys(TARGETS) as Category[]).every((category) => result[category] >= TARGETS[category]));
  console.log(met ? "Objectifs atteints sur toutes les pages." : "Objectifs NON atteints sur au moins une page.");
  console.log(JSON.stringify({ targets: TARGETS, met, runs: RUNS, pages: results }));
} finally {
  await chrome.kill();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
