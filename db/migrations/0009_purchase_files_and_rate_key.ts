import { sql, type Kysely } from "kysely";

/**
 * Attachments belong to one owner among several: a rich-text document (watch page,
 * practice note), a purchase offer or a convention. One table and one storage for all,
 * each owner a foreign key that deletes its files' rows with it, exactly one set.
 *
 * Conventions gain the per-inhabitant rate key: each party owes a fixed amount per
 * inhabitant (e.g. 3.60 € a year), held as integer cents.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("attachments").alterColumn("document_id", (c) => c.dropNotNull()).execute();
  await db.schema
    .alterTable("attachments")
    .addColumn("purchase_offer_id", "uuid", (c) => c.references("purchase_offers.id").onDelete("cascade"))
    .execute();
  await db.schema
    .alterTable("attachments")
    .addColumn("convention_id", "uuid", (c) => c.references("conventions.id").onDelete("cascade"))
    .execute();
  await db.schema
    .alterTable("attachments")
    .addCheckConstraint("attachments_one_owner", sql`num_nonnulls(document_id, purchase_offer_id, convention_id) = 1`)
    .execute();
  await db.schema.createIndex("attachments_purchase_offer_idx").on("attachments").column("purchase_offer_id").execute();
  await db.schema.createIndex("attachments_convention_idx").on("attachments").column("convention_id").execute();

  await db.schema.alterTable("conventions").dropConstraint("conventions_split_method_check").execute();
  await db.schema
    .alterTable("conventions")
    .addCheckConstraint("conventions_split_method_check", sql`split_method in ('equal', 'population', 'caseload', 'percentage', 'residual', 'per_inhabitant')`)
    .execute();
  await db.schema
    .alterTable("conventions")
    .addColumn("rate_per_inhabitant_cents", "bigint", (c) => c.check(sql`rate_per_inhabitant_cents > 0`))
    .execute();
  await db.schema
    .alterTable("conventions")
    .addCheckConstraint("conventions_rate_when_per_inhabitant", sql`split_method <> 'per_inhabitant' or rate_per_inhabitant_cents is not null`)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Migrations are forward-only.");
}
