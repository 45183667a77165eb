import { Migrator } from "kysely/migration";
import type { DB } from "./client.ts";
import { staticMigrationProvider } from "./migrations/index.ts";

export interface MigrationOutcome {
  applied: string[];
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: DB): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : "";
    throw new Error(`La migration de la base de données a échoué${name} : ${describe(error)}`, { cause: error });
  }
  return { applied: (results ?? []).map((result) => result.migrationName) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
