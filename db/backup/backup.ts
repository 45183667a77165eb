import { spawn } from "node:child_process";
import { cp, mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import type { AppConfig } from "../../app/config.server.ts";
import { createDb, openPglite, type DB, type Executor } from "../client.ts";

/**
 * Backups of the whole app: the database (pg_dump's custom format, taken in one snapshot, on
 * PostgreSQL; a `dumpDataDir()` archive of the embedded database, which is locked meanwhile)
 * and the uploaded files, with a manifest of row counts that the restore checks against.
 */

export const MANIFEST = "manifest.json";
const POSTGRES_DUMP = "database.pgdump";
const PGLITE_DUMP = "database.tar.gz";
const UPLOADS = "uploads";

export interface BackupManifest {
  format: 1;
  createdAt: string;
  databaseKind: "postgres" | "pglite";
  /** Rows per table, counted in the same snapshot as the dump. */
  tables: Record<string, number>;
  files: number;
}

export class BackupError extends Error {}

type BackupConfig = Pick<AppConfig, "database" | "uploadDir">;

export async function writeBackup(config: BackupConfig, outDir: string, now = new Date()): Promise<{ dir: string; manifest: BackupManifest }> {
  const dir = path.resolve(outDir, `tablee-${now.toISOString().replace(/[:.]/g, "-")}`);
  // Written under a temporary name and renamed at the end: a half-written backup never looks complete.
  const partial = `${dir}.partial`;
  await mkdir(partial, { recursive: true });
  const database = "databaseUrl" in config.database ? await dumpPostgres(config.database.databaseUrl, partial) : await dumpPglite(config.database.dataDir, partial);
  const files = await copyFiles(config.uploadDir, path.join(partial, UPLOADS));
  const manifest: BackupManifest = { format: 1, createdAt: now.toISOString(), ...database, files };
  await writeFile(path.join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(partial, dir);
  return { dir, manifest };
}

async function dumpPostgres(url: string, dir: string): Promise<Pick<BackupManifest, "databaseKind" | "tables">> {
  const handle = await createDb({ databaseUrl: url, maxConnections: 1 });
  try {
    // The counts and pg_dump read the same snapshot, exported by this open transaction.
    const tables = await handle.db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (tx) => {
        const { rows } = await sql<{ snapshot: string }>`select pg_export_snapshot() as snapshot`.execute(tx);
        const counts = await countRows(tx);
        await run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--snapshot=${rows[0]!.snapshot}`, `--file=${path.join(dir, POSTGRES_DUMP)}`, url]);
        return counts;
      });
    return { databaseKind: "postgres", tables };
  } finally {
    await handle.close();
  }
}

async function dumpPglite(dataDir: string, dir: string): Promise<Pick<BackupManifest, "databaseKind" | "tables">> {
  const pglite = await openPglite(dataDir);
  const handle = await createDb({ pglite });
  try {
    const tables = await countRows(handle.db);
    const archive = await pglite.dumpDataDir("gzip");
    await writeFile(path.join(dir, PGLITE_DUMP), Buffer.from(await archive.arrayBuffer()));
    return { databaseKind: "pglite", tables };
  } finally {
    await handle.close(); // closes the PGlite instance too, which releases its lock
  }
}

/** Row counts of every table of the app's schema. */
export async function countRows(db: Executor): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of rows) {
    const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
    counts[name] = Number(result.rows[0]!.n);
  }
  return counts;
}

async function copyFiles(from: string, to: string): Promise<number> {
  await mkdir(to, { recursive: true });
  if (!(await exists(from))) return 0;
  await cp(from, to, { recursive: true, errorOnExist: false, force: true });
  return countFiles(to);
}

async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? await countFiles(path.join(dir, entry.name)) : 1;
  }
  return count;
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST), "utf8");
  } catch {
    throw new BackupError(`${dir} n'est pas une sauvegarde de Tablée complète (pas de ${MANIFEST}).`);
  }
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 1) throw new BackupError(`Format de sauvegarde inconnu : ${String(manifest.format)}.`);
  return manifest;
}

/**
 * Restores a backup into the configured database and upload folder, which must be empty
 * (`force` sets the existing ones aside, renamed, never deleted), then checks every count.
 */
export async function restoreBackup(
  config: BackupConfig,
  dir: string,
  options: { force?: boolean; now?: Date } = {},
): Promise<{ manifest: BackupManifest; tables: Record<string, number> }> {
  const manifest = await readManifest(dir);
  const target = "databaseUrl" in config.database ? "postgres" : "pglite";
  if (manifest.databaseKind !== target) {
    throw new BackupError(
      `Cette sauvegarde vient d'une base ${manifest.databaseKind === "postgres" ? "PostgreSQL" : "embarquée"} ; la configuration actuelle vise une base ${target === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embarquée (DATA_DIR)"}.`,
    );
  }
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, "-");
  await setAsideIfPresent(config.uploadDir, stamp, options.force);

  let tables: Record<string, number>;
  if ("databaseUrl" in config.database) {
    tables = await restorePostgres(config.database.databaseUrl, path.join(dir, POSTGRES_DUMP), options.force);
  } else {
    await setAsideIfPresent(config.database.dataDir, stamp, options.force);
    const archive = new Blob([await readFile(path.join(dir, PGLITE_DUMP))]);
    const pglite = await openPglite(config.database.dataDir, { loadDataDir: archive });
    const handle = await createDb({ pglite });
    try {
      tables = await countRows(handle.db);
    } finally {
      await handle.close();
    }
  }
  if (await exists(path.join(dir, UPLOADS))) await cp(path.join(dir, UPLOADS), config.uploadDir, { recursive: true });
  const files = (await exists(config.uploadDir)) ? await countFiles(config.uploadDir) : 0;

  const differences = Object.entries(manifest.tables)
    .filter(([table, count]) => tables[table] !== count)
    .map(([table, count]) => `${table} : ${count} attendues, ${tables[table] ?? 0} restaurées`);
  if (files !== manifest.files) differences.push(`fichiers : ${manifest.files} attendus, ${files} restaurés`);
  if (differences.length) throw new BackupError(`La restauration ne correspond pas à la sauvegarde :\n${differences.join("\n")}`);
  return { manifest, tables };
}

async function restorePostgres(url: string, dumpFile: string, force = false): Promise<Record<string, number>> {
  const handle = await createDb({ databaseUrl: url, maxConnections: 1 });
  try {
    const existing = Object.keys(await countRows(handle.db));
    if (existing.length > 0) {
      if (!force) {
        throw new BackupError(
          `La base cible contient déjà ${existing.length} tables : restaurez dans une base vide, ou ajoutez --force pour la remplacer.`,
        );
      }
      await replaceSchema(handle.db);
    }
    await run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${url}`, dumpFile]);
    return await countRows(handle.db);
  } finally {
    await handle.close();
  }
}

async function replaceSchema(db: DB): Promise<void> {
  await sql`drop schema public cascade`.execute(db);
  await sql`create schema public`.execute(db);
}

async function setAsideIfPresent(dir: string, stamp: string, force = false): Promise<void> {
  if (!(await exists(dir)) || (await readdir(dir)).length === 0) return;
  if (!force) throw new BackupError(`${dir} n'est pas vide : restaurez dans un dossier vide, ou ajoutez --force pour le mettre de côté.`);
  await rename(dir, `${dir}.avant-restauration-${stamp}`);
}

async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) =>
      reject(new BackupError(`${command} introuvable (${error.message}) : installez les outils clients de PostgreSQL (paquet postgresql-client).`)),
    );
    child.on("close", (code) => (code === 0 ? resolve() : reject(new BackupError(`${command} a échoué (code ${code}) : ${stderr.trim()}`))));
  });
}
