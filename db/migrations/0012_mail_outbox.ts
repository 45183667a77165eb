import { sql, type Kysely } from "kysely";

/**
 * E-mails waiting to be delivered (app/features/mail/outbox.server.ts): written in the same transaction as the
 * change that causes them, sent afterwards by the delivery worker of any instance. A row is claimed for a while
 * (`claimed_until`, with the claim's `claim_token`) so that one instance sends it; `sent_at` or `failed_at` ends it.
 * Numbered 0012: 0011 is kept for another change in progress.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // What the message is about, so that a page can say how its delivery goes (a meeting's convocations…).
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("reference_id", "uuid")
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("attachments", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("claimed_until", "timestamptz")
    .addColumn("claim_token", "uuid")
    .addColumn("sent_at", "timestamptz")
    .addColumn("failed_at", "timestamptz")
    .addColumn("last_error", "text")
    .execute();
  // What the workers look for: messages neither sent nor given up, by due time.
  await sql`create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where sent_at is null and failed_at is null`.execute(db);
  await db.schema.createIndex("mail_outbox_reference_idx").on("mail_outbox").columns(["kind", "reference_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("mail_outbox").execute();
}
