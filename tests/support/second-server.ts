import { sql } from "kysely";
import { loadConfig } from "../../app/config.server.ts";
import type { Mailer } from "../../app/features/mail/mailer.server.ts";
import { createDb, type DatabaseHandle } from "../../db/client.ts";
import { startServer, type RunningServer } from "../../server.ts";

/** Same secret as startTestApp: instances of one deployment share SESSION_SECRET. */
const TEST_SECRET = "test-secret-test-secret-test-secret-0123";

/**
 * Another connection to the database behind `handle`, as a second app
 * process would open it: its own pool on PostgreSQL; on PGlite, which only
 * one process may open, the same embedded instance (never closed here).
 */
export async function openSameDatabase(handle: DatabaseHandle): Promise<DatabaseHandle> {
  if (handle.kind === "pglite") return { ...handle, close: async () => {} };
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL manquant pour une base PostgreSQL");
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
  const url = new URL(databaseUrl);
  url.pathname = `/${rows[0]!.name}`;
  return createDb({ databaseUrl: url.toString(), maxConnections: 2 });
}

/**
 * One more Tablée server on an existing database (a second instance behind a
 * load balancer, or the same app with another configuration). `close()`
 * stops the server and its own connections, never the shared database.
 */
export async function startExtraServer(
  shared: DatabaseHandle,
  options: { env?: Record<string, string>; mailer?: Mailer } = {},
): Promise<RunningServer & { database: DatabaseHandle }> {
  const database = await openSameDatabase(shared);
  const config = loadConfig({
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    SESSION_SECRET: TEST_SECRET,
    DATA_DIR: "/tmp/tablee-test-unused",
    TABLEE_DEMO: "0",
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const server = await startServer({
    config,
    database,
    mailer: options.mailer ?? { send: async () => {} },
    port: 0,
    log: () => {},
  });
  return {
    ...server,
    async close() {
      await server.close();
      await database.close();
    },
  };
}
