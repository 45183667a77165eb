import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import autocannon from "autocannon";
import { createDb } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { HttpClient } from "../../tests/support/http-client.ts";
const dataDir = mkdtempSync(path.join(tmpdir(), "tablee-prof-"));
const handle = await createDb({ dataDir: path.join(dataDir, "pglite") });
await migrateToLatest(handle.db); await seedDemo(handle.db); await handle.close();
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", "--import", "tsx", "server.ts"], { cwd: "/work/main", env: { ...process.env, DATA_DIR: dataDir, TABLEE_DEMO: "0", LOG_LEVEL: "silent", PORT: "3999", HOST: "127.0.0.1", NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }, stdio: "inherit" });
await new Promise((r) => setTimeout(r, 8000));
const client = new HttpClient("http://127.0.0.1:3999");
await client.signIn("agent@ccas-ermont.demo.tablee.fr");
const slug = "tables-rondes-inter-ccas-du-val-parisis";
const pages = [`/reseaux/${slug}`, `/reseaux/${slug}/tables-rondes`, `/reseaux/${slug}/annuaire`, `/reseaux/${slug}/notes`];
for (const p of pages) { const t = performance.now(); const r = await client.get(p); console.log(p, r.status, Math.round(performance.now() - t), "ms"); }
for (const p of pages) { const t = performance.now(); for (let i = 0; i < 10; i++) await client.get(p); console.log(p, "avg", Math.round((performance.now() - t) / 10), "ms"); }
const result = await autocannon({ url: "http://127.0.0.1:3999", connections: 20, duration: 10, requests: pages.map((p) => ({ path: p, headers: { cookie: client.cookieHeader } })) });
console.log("rps", result.requests.average, "p50", result.latency.p50, "p99", result.latency.p99, "errors", result.errors, result.timeouts);
child.kill("SIGINT");
await new Promise((r) => setTimeout(r, 3000));
process.exit(0);
