/**
 * npm run bench:load — realistic traffic at the demo network's main pages, against Tablée and, in the
 * same run, against a bare Express handler returning the same bytes: the ratio is what Tablée's own work
 * (session, permissions, queries, rendering) costs.
 *
 * 100 connections, each signed in as one of the demo accounts, cycle through the network home, the round
 * tables, a meeting, the directory, a CCAS page and the shared notes for 60 s, with autocannon. Runs on a
 * temporary embedded database, then on PostgreSQL too when DATABASE_URL is set (in a throwaway database).
 *
 * Environment: BENCH_CONNECTIONS (100), BENCH_SECONDS (60), DATABASE_URL.
 * Last line: one JSON object with rps, p99_ms, errors, express_rps, throughput_ratio_vs_express (for
 * PostgreSQL when it ran, the embedded database otherwise) and the same figures per database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import express from "express";
import postgres from "postgres";
import { createDb } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { demoAccounts, seedDemo } from "../db/seed/demo.ts";
import { freePort, startChildServer } from "../tests/support/child-server.ts";
import { HttpClient } from "../tests/support/http-client.ts";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  express_rps: number;
  express_p99_ms: number;
  throughput_ratio_vs_express: number;
}

interface Page {
  path: string;
  body: string;
  contentType: string;
}

async function preparedDatabase(kind: "pglite" | "postgres"): Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> {
  if (kind === "pglite") {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tablee-bench-load-"));
    const handle = await createDb({ dataDir: path.join(dataDir, "pglite") });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db);
    await handle.close();
    return { env: { DATA_DIR: dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const name = `tablee_bench_load_${randomBytes(4).toString("hex")}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), maxConnections: 2 });
  await migrateToLatest(handle.db);
  await seedDemo(handle.db);
  await handle.close();
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: mkdtempSync(path.join(tmpdir(), "tablee-bench-load-")) },
    dispose: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The pages a member of the demo network reads, with real ids taken from the app's own links. */
async function discoverPages(client: HttpClient): Promise<string[]> {
  const home = await client.get("/");
  const network = home.location ?? (home.text.match(/href="(\/reseaux\/[^/"]+)"/)?.[1] as string);
  const base = network.replace(/\/$/, "");
  const meetings = await client.get(`${base}/tables-rondes`);
  const meeting = meetings.text.match(new RegExp(`href="(${base}/tables-rondes/[0-9a-f-]{36})"`))?.[1];
  const directory = await client.get(`${base}/annuaire`);
  const organisation = directory.text.match(new RegExp(`href="(${base}/annuaire/[0-9a-f-]{36})"`))?.[1];
  const pages = [base, `${base}/tables-rondes`, meeting, `${base}/annuaire`, organisation, `${base}/notes`];
  if (pages.some((page) => !page)) throw new Error(`Pages introuvables : ${JSON.stringify(pages)}`);
  return pages as string[];
}

function run(url: string, paths: string[], cookies: string[]) {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    // Each connection keeps one account's cookie: autocannon gives every client its own context object.
    requests: paths.map((page): autocannon.Request => ({
      method: "GET" as const,
      path: page,
      setupRequest: (request: autocannon.Request, context: { cookie?: string }) => {
        context.cookie ??= cookies[next++ % cookies.length]!;
        return { ...request, headers: { ...request.headers, cookie: context.cookie } };
      },
    })),
  });
}

async function bareExpress(pages: Page[]) {
  const app = express();
  app.disable("x-powered-by");
  for (const page of pages) app.get(page.path, (_request, response) => void response.type(page.contentType).send(page.body));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function measure(kind: "pglite" | "postgres"): Promise<Figures> {
  const database = await preparedDatabase(kind);
  const server = await startChildServer({ ...database.env, TABLEE_DEMO: "0", LOG_LEVEL: "silent" }, await freePort());
  try {
    // One signed-in client per demo account of the Val Parisis network; connections share them round-robin.
    const accounts = demoAccounts.filter((account) => account.network === "val-parisis");
    const clients: HttpClient[] = [];
    for (const account of accounts) {
      const client = new HttpClient(server.url);
      const response = await client.signIn(account.email);
      if (response.status !== 302) throw new Error(`Connexion refusée pour ${account.email}`);
      clients.push(client);
    }
    const paths = await discoverPages(clients[0]!);
    const pages: Page[] = [];
    for (const page of paths) {
      const response = await clients[0]!.get(page);
      if (response.status !== 200) throw new Error(`${page} : ${response.status}`);
      pages.push({ path: page, body: response.text, contentType: response.headers.get("content-type") ?? "text/html" });
    }
    console.log(`\n${kind === "pglite" ? "Base embarquée (PGlite)" : "PostgreSQL"} — ${CONNECTIONS} connexions, ${SECONDS} s, pages : ${paths.join(", ")}`);
    const ours = await run(server.url, paths, clients.map((client) => client.cookieHeader));
    const baseline = await bareExpress(pages);
    const bare = await run(baseline.url, paths, [""]);
    await baseline.close();
    const errors = ours.errors + ours.timeouts + ours.non2xx;
    if (errors) console.log("  Statuts :", JSON.stringify((ours as unknown as { statusCodeStats: unknown }).statusCodeStats));
    const figures: Figures = {
      rps: Math.round(ours.requests.average),
      p50_ms: ours.latency.p50,
      p99_ms: ours.latency.p99,
      errors,
      express_rps: Math.round(bare.requests.average),
      express_p99_ms: bare.latency.p99,
      throughput_ratio_vs_express: Number((ours.requests.average / bare.requests.average).toFixed(3)),
    };
    console.log(`  Tablée  : ${figures.rps} req/s, p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms, ${ours.requests.total} requêtes, erreurs ${errors} (non-2xx ${ours.non2xx}, erreurs ${ours.errors}, délais ${ours.timeouts})`);
    console.log(`  Express : ${figures.express_rps} req/s, p50 ${bare.latency.p50} ms, p99 ${figures.express_p99_ms} ms (mêmes octets, sans travail)`);
    console.log(`  Rapport de débit Tablée / Express : ${figures.throughput_ratio_vs_express}`);
    return figures;
  } finally {
    await server.stop();
    await database.dispose();
  }
}

const results: Record<string, Figures> = { pglite: await measure("pglite") };
if (process.env.DATABASE_URL) results.postgres = await measure("postgres");
const main = results.postgres ?? results.pglite!;
console.log(JSON.stringify({ ...main, database: results.postgres ? "postgres" : "pglite", connections: CONNECTIONS, seconds: SECONDS, by_database: results }));
