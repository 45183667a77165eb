import { sql, type Kysely } from "kysely";

/** Rich texts co-edited live: one Yjs document per row, its updates, snapshot and named versions. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("documents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('note', 'wiki', 'practice', 'minutes', 'agenda_notes')`))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("owner_organisation_id", "uuid", (c) => c.references("organisations.id").onDelete("set null"))
    .addColumn("visibility", "text", (c) => c.notNull().defaultTo("network").check(sql`visibility in ('network', 'organisation')`))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("documents_network_idx").on("documents").columns(["network_id", "kind"]).execute();

  // Append-only: every update a client sent and the server acknowledged, until compaction folds it into the snapshot.
  await db.schema
    .createTable("document_updates")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("update", "bytea", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("document_updates_document_idx").on("document_updates").columns(["document_id", "id"]).execute();

  // The compacted state, with what read-only views, export and search need derived from it.
  await db.schema
    .createTable("document_snapshots")
    .addColumn("document_id", "uuid", (c) => c.primaryKey().references("documents.id").onDelete("cascade"))
    .addColumn("state", "bytea", (c) => c.notNull())
    .addColumn("last_update_id", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("content_json", "jsonb", (c) => c.notNull())
    .addColumn("content_html", "text", (c) => c.notNull())
    .addColumn("content_text", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("document_revisions")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason in ('auto', 'manual', 'event', 'restore')`))
    .addColumn("state", "bytea", (c) => c.notNull())
    .addColumn("content_json", "jsonb", (c) => c.notNull())
    .addColumn("content_html", "text", (c) => c.notNull())
    .addColumn("content_text", "text", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_revisions_document_idx")
    .on("document_revisions")
    .columns(["document_id", "created_at"])
    .execute();

  // Used by @socket.io/postgres-adapter for messages between app processes that are binary or over 8 kB.
  await db.schema
    .createTable("socket_io_attachments")
    .ifNotExists()
    .addColumn("id", "bigserial", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.defaultTo(sql`now()`))
    .addColumn("payload", "bytea")
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Migrations are forward-only.");
}
