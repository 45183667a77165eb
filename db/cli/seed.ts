import { ConfigError, loadConfig } from "../../app/config.server.ts";
import { createDb } from "../client.ts";
import { migrateToLatest } from "../migrate.ts";
import { describeDemoAccounts, seedDemo } from "../seed/demo.ts";

/** `npm run db:seed`: adds the demo networks and accounts to an empty database. */
try {
  const config = loadConfig();
  const handle = await createDb(config.database);
  await migrateToLatest(handle.db);
  const outcome = await seedDemo(handle.db);
  if (outcome.created) {
    console.log(`Données de démonstration créées : ${outcome.networks.map((n) => `${n.name} (${n.organisations} CCAS)`).join(", ")}.`);
    console.log(describeDemoAccounts());
  } else {
    console.log("La base contient déjà des réseaux : aucune donnée de démonstration ajoutée.");
  }
  await handle.close();
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(1);
}
