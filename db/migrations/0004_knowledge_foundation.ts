import { sql, type Kysely } from "kysely";

/**
 * What the watch wiki, the practice notes, search and the agenda share:
 * themes editable per network, sections of the wiki, metadata of knowledge documents,
 * and links from agenda items to the documents they discuss.
 */
// Frozen copy of the defaults at the time of this migration, for networks that already existed.
const DEFAULT_THEMES = [
  "Personnes âgées",
  "Handicap",
  "Insertion et RSA",
  "Logement",
  "Santé mentale",
  "Enfance et famille",
  "Aide alimentaire",
  "Gouvernance",
  "Achats publics",
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("network_themes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("network_themes_label_unique", ["network_id", "label"])
    .execute();
  for (const [position, label] of DEFAULT_THEMES.entries()) {
    await sql`insert into network_themes (network_id, label, position) select id, ${label}, ${position} from networks`.execute(db);
  }

  await db.schema
    .createTable("document_themes")
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("theme_id", "uuid", (c) => c.notNull().references("network_themes.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("document_themes_pk", ["document_id", "theme_id"])
    .execute();
  await db.schema.createIndex("document_themes_theme_idx").on("document_themes").column("theme_id").execute();

  // The wiki's tree of sections; the coordinator reorders siblings by `position`.
  await db.schema
    .createTable("wiki_sections")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("parent_id", "uuid", (c) => c.references("wiki_sections.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("wiki_sections_network_idx").on("wiki_sections").columns(["network_id", "parent_id", "position"]).execute();

  // Metadata of knowledge documents (kind 'wiki' and 'practice'); null for other kinds.
  await db.schema
    .alterTable("documents")
    .addColumn("section_id", "uuid", (c) => c.references("wiki_sections.id").onDelete("set null"))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("owner_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("review_on", "date")
    .addColumn("read_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  // A practice note's structured fields; its context, actions and results are the rich text itself.
  await db.schema
    .createTable("practice_note_details")
    .addColumn("document_id", "uuid", (c) => c.primaryKey().references("documents.id").onDelete("cascade"))
    .addColumn("cost", "text")
    .addColumn("partners", "text")
    .addColumn("contact_name", "text")
    .addColumn("contact_details", "text")
    .execute();

  await db.schema
    .createTable("legal_references")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("article", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("effective_on", "date")
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("legal_references_document_idx").on("legal_references").column("document_id").execute();

  await db.schema
    .createTable("agenda_item_documents")
    .addColumn("agenda_item_id", "uuid", (c) => c.notNull().references("agenda_items.id").onDelete("cascade"))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("agenda_item_documents_pk", ["agenda_item_id", "document_id"])
    .execute();
  await db.schema.createIndex("agenda_item_documents_document_idx").on("agenda_item_documents").column("document_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("agenda_item_documents").execute();
  await db.schema.dropTable("legal_references").execute();
  await db.schema.dropTable("practice_note_details").execute();
  await db.schema
    .alterTable("documents")
    .dropColumn("section_id")
    .dropColumn("position")
    .dropColumn("owner_user_id")
    .dropColumn("review_on")
    .dropColumn("read_count")
    .execute();
  await db.schema.dropTable("wiki_sections").execute();
  await db.schema.dropTable("document_themes").execute();
  await db.schema.dropTable("network_themes").execute();
}
