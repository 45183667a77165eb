import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { createDb } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { HttpClient } from "../../tests/support/http-client.ts";
const dataDir = mkdtempSync(path.join(tmpdir(), "tablee-prof-"));
const handle = await createDb({ dataDir: path.join(dataDir, "pglite") });
await migrateToLatest(handle.db); await seedDemo(handle.db); await handle.close();
let out = "";
const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: process.cwd(), env: { ...process.env, QLOG: "1", DATA_DIR: dataDir, TABLEE_DEMO: "0", PORT: "3998", HOST: "127.0.0.1", NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }, stdio: ["ignore", "pipe", "inherit"] });
child.stdout.on("data", (d) => (out += d));
await new Promise((r) => setTimeout(r, 9000));
const client = new HttpClient("http://127.0.0.1:3998");
await client.signIn("agent@ccas-ermont.demo.tablee.fr");
const slug = "tables-rondes-inter-ccas-du-val-parisis";
for (const p of [`/reseaux/${slug}`, `/reseaux/${slug}/tables-rondes`, `/reseaux/${slug}/annuaire`, `/reseaux/${slug}/notes`]) {
  await client.get(p); out = "";
  const t = performance.now(); await client.get(p); const ms = performance.now() - t;
  const lines = out.split("\n").filter((l) => l.startsWith("QLOG"));
  const dbms = lines.reduce((a, l) => a + Number(l.split(" ")[1]), 0);
  console.log(`${p}: ${Math.round(ms)} ms, ${lines.length} queries, ${Math.round(dbms)} ms in DB`);
  if (process.env.SHOW) console.log(lines.join("\n"));
}
child.kill("SIGKILL"); process.exit(0);
