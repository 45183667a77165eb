import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import * as Y from "yjs";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { appendUpdate, loadState } from "../../app/features/documents/persistence.server.ts";
import { documentSchema, FRAGMENT, renderState } from "../../app/features/documents/render.server.ts";
import { countRows } from "../../db/backup/backup.ts";
import { createDb, openPglite, type DatabaseHandle } from "../../db/client.ts";
import { backend, createTestDatabase } from "../support/database.ts";

/**
 * `npm run backup` and `npm run restore`, run as the commands they are, on the backend of this
 * run: a restored copy holds every row, the co-edited text and every uploaded file.
 */

const work = mkdtempSync(path.join(tmpdir(), "tablee-backup-"));
const source = { dataDir: path.join(work, "source"), uploads: path.join(work, "source-uploads") };
const target = { dataDir: path.join(work, "target"), uploads: path.join(work, "target-uploads") };
const TEXT = "Registre canicule : 42 personnes inscrites à Ermont.";
const files = new Map<string, Buffer>([
  ["notes/2027/compte-rendu.pdf", randomBytes(5000)],
  ["photo accueil.jpg", randomBytes(1200)],
]);

let sourceUrl: string | undefined;
let targetUrl: string | undefined;
let sourceTestDb: DatabaseHandle | undefined;
let adminClient: postgres.Sql | undefined;
let expectedRows: Record<string, number>;
let documentId: string;
let backupDir: string;

function env(side: typeof source, url: string | undefined): Record<string, string> {
  return {
    ...(url ? { DATABASE_URL: url } : {}),
    DATA_DIR: side.dataDir,
    UPLOAD_DIR: side.uploads,
    SESSION_SECRET: "backup-secret-backup-secret-backup-secret",
    TABLEE_DEMO: "0",
  };
}

function runCommand(script: string, args: string[], extraEnv: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      env: { NODE_ENV: "production", PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", ...extraEnv },
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

async function openTarget(): Promise<DatabaseHandle> {
  return targetUrl ? createDb({ databaseUrl: targetUrl, maxConnections: 2 }) : createDb({ pglite: await openPglite(path.join(target.dataDir, "pglite")) });
}


beforeAll(async () => {
  // The source: the demo database on disk (or a PostgreSQL copy), a co-edited text and uploaded files.
  let handle: DatabaseHandle;
  if (backend === "postgres") {
    sourceTestDb = await createTestDatabase();
    sourceUrl = sourceTestDb.url!;
    handle = sourceTestDb;
    adminClient = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    const name = `tablee_restore_${randomBytes(4).toString("hex")}`;
    await adminClient.unsafe(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    targetUrl = url.toString();
  } else {
    const dump = new Blob([readFileSync(inject("pgliteDump"))]);
    handle = await createDb({ pglite: await openPglite(path.join(source.dataDir, "pglite"), { loadDataDir: dump }) });
  }
  const network = await handle.db.selectFrom("networks").select("id").executeTakeFirstOrThrow();
  documentId = (await createDocument(handle.db, { networkId: network.id, kind: "note", title: "Plan canicule", createdBy: null })).id;
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(
    documentSchema,
    { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: TEXT }] }] },
    doc.getXmlFragment(FRAGMENT),
  );
  await appendUpdate(handle.db, documentId, Y.encodeStateAsUpdate(doc), null);
  for (const [name, bytes] of files) {
    mkdirSync(path.dirname(path.join(source.uploads, name)), { recursive: true });
    writeFileSync(path.join(source.uploads, name), bytes);
  }
  expectedRows = await countRows(handle.db);
  if (backend === "pglite") await handle.close();
}, 60_000);

afterAll(async () => {
  await sourceTestDb?.close();
  if (adminClient && targetUrl) {
    await adminClient.unsafe(`DROP DATABASE IF EXISTS ${new URL(targetUrl).pathname.slice(1)} WITH (FORCE)`);
    await adminClient.end();
  }
});

describe("backup and restore", { timeout: 120_000 }, () => {
  it("writes a backup of the database and the uploaded files", async () => {
    const { code, out } = await runCommand("db/cli/backup.ts", ["--out", path.join(work, "backups")], env(source, sourceUrl));
    expect(out).toContain("Sauvegarde écrite dans");
    expect(code).toBe(0);
    backupDir = out.match(/Sauvegarde écrite dans (\S+)/)![1]!;
    const manifest = JSON.parse(readFileSync(path.join(backupDir, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ format: 1, databaseKind: backend, files: files.size, tables: expectedRows });
    expect(readdirSync(path.join(work, "backups")).some((name) => name.endsWith(".partial"))).toBe(false);
  });

  it("restores into a fresh database every record, the co-edited text and every file", async () => {
    const { code, out } = await runCommand("db/cli/restore.ts", [backupDir], env(target, targetUrl));
    expect(out).toContain("tout correspond au manifeste");
    expect(code).toBe(0);
    const restored = await openTarget();
    try {
      expect(await countRows(restored.db)).toEqual(expectedRows);
      expect(renderState((await loadState(restored.db, documentId)).state).text).toContain(TEXT);
      const users = await restored.db.selectFrom("users").select(["email", "passwordHash"]).orderBy("email").execute();
      expect(users.length).toBe(expectedRows.users);
      expect(users.every((user) => user.passwordHash.startsWith("$argon2id$"))).toBe(true);
    } finally {
      await restored.close();
    }
    for (const [name, bytes] of files) expect(readFileSync(path.join(target.uploads, name)).equals(bytes)).toBe(true);
  });

  it("refuses to restore over existing data without --force, then sets the old data aside with it", async () => {
    const refused = await runCommand("db/cli/restore.ts", [backupDir], env(target, targetUrl));
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/n'est pas vide|contient déjà/);
    const forced = await runCommand("db/cli/restore.ts", [backupDir, "--force"], env(target, targetUrl));
    expect(forced.out).toContain("tout correspond au manifeste");
    expect(forced.code).toBe(0);
    // The replaced upload folder is kept aside, never deleted.
    expect(readdirSync(work).some((name) => name.startsWith("target-uploads.avant-restauration-"))).toBe(true);
  });

  it("says so when a restore does not match its manifest", async () => {
    const manifestFile = path.join(backupDir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    manifest.tables.users += 1;
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const { code, out } = await runCommand("db/cli/restore.ts", [backupDir, "--force"], env(target, targetUrl));
    expect(code).toBe(1);
    expect(out).toContain(`users : ${expectedRows.users + 1} attendues, ${expectedRows.users} restaurées`);
  });

  it.runIf(backend === "pglite")("refuses to copy the embedded database while another process has it open", async () => {
    const holder = await openPglite(path.join(source.dataDir, "pglite"));
    try {
      const { code, out } = await runCommand("db/cli/backup.ts", ["--out", path.join(work, "backups-2")], env(source, undefined));
      expect(code).toBe(1);
      expect(out).toContain(`est déjà ouverte par le processus ${process.pid}`);
    } finally {
      await holder.close();
    }
  });

  it("explains a folder that is not a backup", async () => {
    const { code, out } = await runCommand("db/cli/restore.ts", [work], env(target, targetUrl));
    expect(code).toBe(1);
    expect(out).toContain("n'est pas une sauvegarde de Tablée complète");
  });
});
