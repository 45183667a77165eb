import type { Migration, MigrationProvider } from "kysely/migration";
import * as m0001 from "./0001_foundation.ts";
import * as m0002 from "./0002_documents.ts";
import * as m0003 from "./0003_roundtables.ts";
import * as m0004 from "./0004_knowledge_foundation.ts";
import * as m0005 from "./0005_knowledge.ts";
import * as m0006 from "./0006_search.ts";
import * as m0007 from "./0007_purchases.ts";
import * as m0008 from "./0008_calendar_feeds.ts";
import * as m0009 from "./0009_purchase_files_and_rate_key.ts";
import * as m0010 from "./0010_search_speed.ts";
import * as m0011 from "./0011_knowledge_reads_and_order.ts";
import * as m0012 from "./0012_mail_outbox.ts";
import * as m0013 from "./0013_search_match_vector.ts";

/**
 * Listed statically: Kysely's FileMigrationProvider cannot import `.ts` files
 * under vitest, and a static list also works inside the bundled server.
 * Add each new migration here, in order.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_documents": m0002,
  "0003_roundtables": m0003,
  "0004_knowledge_foundation": m0004,
  "0005_knowledge": m0005,
  "0006_search": m0006,
  "0007_purchases": m0007,
  "0008_calendar_feeds": m0008,
  "0009_purchase_files_and_rate_key": m0009,
  "0010_search_speed": m0010,
  "0011_knowledge_reads_and_order": m0011,
  "0012_mail_outbox": m0012,
  "0013_search_match_vector": m0013,
};

export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
