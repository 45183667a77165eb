import { ConfigError, loadConfig } from "../../app/config.server.ts";
import { createDb } from "../client.ts";
import { migrateToLatest } from "../migrate.ts";

/** `npm run db:migrate`: brings the configured database's schema up to date. */
try {
  const config = loadConfig();
  const handle = await createDb(config.database);
  const { applied } = await migrateToLatest(handle.db);
  console.log(applied.length ? `Migrations appliquées : ${applied.join(", ")}` : "Le schéma est déjà à jour.");
  await handle.close();
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(1);
}
