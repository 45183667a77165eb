import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { CamelCasePlugin, Kysely, PGliteDialect, type Transaction } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { Database } from "./schema.ts";
import { reportingUnavailability } from "./unavailable.ts";

export type DB = Kysely<Database>;
/** Feature functions take either the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: DB;
  kind: "pglite" | "postgres";
  /** Present on the embedded database: used by tests to clone a prepared state. */
  pglite?: PGlite;
  /** Present on a server database: lets another process (or adapter) reach the same one. */
  url?: string;
  /**
   * Calls `onNotify` for each `NOTIFY channel` (PostgreSQL delivers it once the notifying transaction commits,
   * to every process listening), and once more after each reconnection of the listening connection, when
   * notifications may have been missed. Resolves to a function that stops listening.
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { databaseUrl: string; maxConnections?: number }
  | { dataDir: string }
  | { pglite: PGlite };

const pgliteExtensions = { unaccent, pg_trgm };

const BYTEA = 17;

/**
 * PGlite's own bytea parser and serializer walk the hex text one pair at a time in JavaScript: about 800 ms to read
 * the 10 MB state of a large document, and 290 ms to write an 800 KB one (a compaction while people type), on the
 * thread that serves every request and socket. Node converts the same hex natively, in a few milliseconds.
 */
const fastParsers = {
  [BYTEA]: (value: string) => {
    const bytes = Buffer.from(value.slice(2), "hex");
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};
const fastSerializers = {
  [BYTEA]: (value: Uint8Array) => `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`,
};

/**
 * Opens the embedded database in `dataDir` (created on first use), or fills a new one from a
 * `dumpDataDir()` archive. The folder is locked for this process: a second process opening it
 * (a second server, a backup while the app runs) would corrupt it, so it is refused instead.
 */
export async function openPglite(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  // PGlite creates only the last folder of its path.
  mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir, extensions: pgliteExtensions, loadDataDir: options.loadDataDir, parsers: fastParsers, serializers: fastSerializers });
    const close = pglite.close.bind(pglite);
    pglite.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return pglite;
  } catch (error) {
    release();
    throw error;
  }
}

export class DataDirLockedError extends Error {}

/** `<dataDir>.lock` holds the pid of the process using the folder; a lock left by a dead process is taken over. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${path.resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lockFile, "utf8"));
      if (holder && holder !== process.pid && processIsAlive(holder)) {
        throw new DataDirLockedError(
          `La base embarquée ${dataDir} est déjà ouverte par le processus ${holder} (Tablée est-il déjà lancé ?). ` +
            "Arrêtez-le d'abord : deux processus sur la même base embarquée l'abîmeraient.",
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirLockedError(`Impossible de verrouiller la base embarquée ${dataDir}.`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** An embedded database restored from a `dumpDataDir()` archive: a fast clone for tests. */
export async function openPgliteFromDump(dump: Blob): Promise<PGlite> {
  return PGlite.create({ loadDataDir: dump, extensions: pgliteExtensions, parsers: fastParsers, serializers: fastSerializers });
}

/**
 * Planner settings of the full-text search's statements: why each one, in `withIndexScans`
 * (app/features/search/search.server.ts).
 */
export const INDEX_SCAN_SETTINGS = { enable_seqscan: "off", jit: "off", plan_cache_mode: "force_custom_plan" } as const;

/** Connections opened with INDEX_SCAN_SETTINGS, at most: search statements beyond wait for one. */
export const INDEX_SCAN_CONNECTIONS = 4;

const indexScanPools = new WeakMap<DB, DB>();

/**
 * On PostgreSQL, a small pool of `db`'s server whose connections start with INDEX_SCAN_SETTINGS, so that a search
 * statement needs no transaction to set them (begin, set, statement, commit: four round trips instead of one).
 * Undefined on PGlite (one connection for everything) and for a transaction (its statements stay in it).
 */
export function indexScanPool(db: Executor): DB | undefined {
  return db.isTransaction ? undefined : indexScanPools.get(db as DB);
}

export async function createDb(target: DatabaseTarget): Promise<DatabaseHandle> {
  const plugins = [new CamelCasePlugin()];
  if ("databaseUrl" in target) {
    const client = postgres(target.databaseUrl, postgresOptions(target.maxConnections ?? 10));
    const db = new Kysely<Database>({ dialect: reportingUnavailability(new PostgresJSDialect({ postgres: client })), plugins });
    // Connections are opened on first use: a process that never searches never opens one.
    const indexScanClient = postgres(target.databaseUrl, { ...postgresOptions(INDEX_SCAN_CONNECTIONS), connection: INDEX_SCAN_SETTINGS });
    const indexScanDb = new Kysely<Database>({ dialect: reportingUnavailability(new PostgresJSDialect({ postgres: indexScanClient })), plugins });
    indexScanPools.set(db, indexScanDb);
    // Queries still running get 5 s, then their connections are cut: postgres.js's own end() waits forever for a
    // connection released during it (Kysely reserves one per query), and a stopping process must not hang.
    const close = async () => {
      await Promise.all([client.end({ timeout: 5 }), indexScanClient.end({ timeout: 5 })]);
      await Promise.all([db.destroy(), indexScanDb.destroy()]);
    };
    // postgres.js listens on a connection of its own and listens again after reconnecting (`onlisten`).
    const listen = async (channel: string, onNotify: () => void) => {
      const { unlisten } = await client.listen(channel, () => onNotify(), () => onNotify());
      return unlisten;
    };
    return { db, kind: "postgres", url: target.databaseUrl, listen, close };
  }
  const pglite = "pglite" in target ? target.pglite : await openPglite(target.dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins });
  // PGlite's LISTEN waits for the instance's lock like any query, so it never lands inside a transaction in progress.
  const listen = async (channel: string, onNotify: () => void) => {
    const unlisten = await pglite.listen(channel, () => onNotify());
    return () => unlisten();
  };
  return { db, kind: "pglite", pglite, listen, close: () => db.destroy() };
}

function postgresOptions(max: number) {
  return {
    max,
    // A database behind a dead network link would keep a request waiting for postgres.js's 30 s default.
    connect_timeout: 10,
    // postgres.js waits up to 20 s between reconnection attempts after repeated failures, and a connection
    // keeps the delay it drew even once the database is back: after an outage, requests would hang that
    // long. Retry quickly instead (at most every second).
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    onnotice: () => {},
    // PGlite returns int8 as numbers; make the server client agree so both backends behave alike.
    types: {
      int8AsNumber: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  } satisfies postgres.Options<Record<string, postgres.PostgresType>>;
}

/** Runs `work` in a transaction, joining the caller's when there already is one. */
export function inTransaction<T>(db: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : (db as DB).transaction().execute(work);
}
