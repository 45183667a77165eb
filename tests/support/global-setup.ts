import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { createDb } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { seedDemo } from "../../db/seed/demo.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** PGlite runs: path of a migrated, seeded data directory archive. */
    pgliteDump: string;
    /** PostgreSQL runs: name of a migrated, seeded template database. */
    postgresTemplate: string;
  }
}

/**
 * Prepares one migrated database with the demo data, once per run; each test
 * file then gets its own copy (a PGlite archive restored, or a PostgreSQL
 * database created from a template) so files never see each other's writes.
 */
export default async function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const template = `tablee_test_tpl_${process.pid}`;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
    await admin.unsafe(`CREATE DATABASE ${template}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${template}`;
    const handle = await createDb({ databaseUrl: url.toString(), maxConnections: 2 });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db);
    await handle.close();
    project.provide("postgresTemplate", template);
    project.provide("pgliteDump", "");
    console.log(`Tests sur PostgreSQL (${url.host}) : base modèle ${template}.`);
    return async () => {
      // Test files drop their own copies; sweep what a crashed one left.
      const leftovers = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`tablee_test_${process.pid}_%`}`;
      for (const { datname } of leftovers) await admin.unsafe(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    };
  }
  const directory = mkdtempSync(path.join(tmpdir(), "tablee-tests-"));
  const pglite = await PGlite.create({ extensions: { unaccent, pg_trgm } });
  const handle = await createDb({ pglite });
  await migrateToLatest(handle.db);
  await seedDemo(handle.db);
  const dump = await pglite.dumpDataDir("none");
  const file = path.join(directory, "seeded.tar");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide("pgliteDump", file);
  project.provide("postgresTemplate", "");
  console.log("Tests sur la base embarquée PGlite (DATABASE_URL non défini).");
  return () => rmSync(directory, { recursive: true, force: true });
}
