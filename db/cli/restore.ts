import { parseArgs } from "node:util";
import { loadConfig } from "../../app/config.server.ts";
import { restoreBackup } from "../backup/backup.ts";

/** `npm run restore -- <backup folder> [--force]`: brings a backup back into the configured database and upload folder. */
try {
  const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error("Usage : npm run restore -- <dossier de sauvegarde> [--force]");
    process.exit(2);
  }
  const config = loadConfig();
  const { manifest, tables } = await restoreBackup(config, positionals[0]!, { force: values.force });
  const rows = Object.values(tables).reduce((sum, count) => sum + count, 0);
  console.log(`Sauvegarde du ${manifest.createdAt} restaurée : ${Object.keys(tables).length} tables, ${rows} lignes, ${manifest.files} fichiers ; tout correspond au manifeste.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
