import { sql, type Kysely } from "kysely";

/**
 * Read counts and the coordinators' order of pages.
 * - `document_reads`: the last day each member read each watch page or practice note (in the network's time zone).
 *   A read counts once per member, page and day: `documents.read_count` grows only when this row is inserted or moves
 *   to a later day (app/features/knowledge/reads.server.ts). One row per member and page, never one per day.
 * - `documents.position` (0004) orders a section's pages: pages imported or moved between sections before this
 *   migration could share a position, so every section's pages are numbered 1, 2, 3… in their current order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("document_reads")
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("read_on", "date", (c) => c.notNull())
    .addPrimaryKeyConstraint("document_reads_pk", ["document_id", "user_id"])
    .execute();
  await db.schema.createIndex("document_reads_user_idx").on("document_reads").column("user_id").execute();

  await sql`
    update documents d set position = ordered.n
    from (
      select id, row_number() over (partition by network_id, section_id order by position, title, id)::int as n
      from documents where kind = 'wiki'
    ) ordered
    where d.id = ordered.id and d.position <> ordered.n`.execute(db);
  await sql`create index documents_wiki_order_idx on documents (network_id, section_id, position) where kind = 'wiki'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index documents_wiki_order_idx`.execute(db);
  await db.schema.dropTable("document_reads").execute();
}
