import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createDb, openPgliteFromDump, type DatabaseHandle } from "../../db/client.ts";

export const backend = process.env.DATABASE_URL ? "postgres" : "pglite";

/**
 * A private copy of the seeded demo database for one test file, on the
 * backend this run targets. `close()` disposes of it.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dump = new Blob([readFileSync(inject("pgliteDump"))]);
    return createDb({ pglite: await openPgliteFromDump(dump) });
  }
  const name = `tablee_test_${process.ppid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject("postgresTemplate")}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), maxConnections: 5 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
