import { parseArgs } from "node:util";
import { loadConfig } from "../../app/config.server.ts";
import { writeBackup } from "../backup/backup.ts";

/** `npm run backup [-- --out <folder>]`: the database and the uploaded files, in one new folder. */
try {
  const { values } = parseArgs({ options: { out: { type: "string", default: "./backups" } } });
  const config = loadConfig();
  const { dir, manifest } = await writeBackup(config, values.out!);
  const rows = Object.values(manifest.tables).reduce((sum, count) => sum + count, 0);
  console.log(`Sauvegarde écrite dans ${dir}`);
  console.log(`Base ${manifest.databaseKind === "postgres" ? "PostgreSQL" : "embarquée"} : ${Object.keys(manifest.tables).length} tables, ${rows} lignes ; ${manifest.files} fichiers déposés.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
