import { sql, type Kysely } from "kysely";

/**
 * Group purchases (needs, offers, award, orders), procurement thresholds as
 * dated data, shared-service conventions with their cost-split key and renewal
 * reminders, and each CCAS's 2027 ABS. Money: integer cents (bigint); shares in basis points.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("procurement_thresholds")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('no_publicity', 'formalised')`))
    .addColumn("amount_cents", "bigint", (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn("valid_from", "date", (c) => c.notNull())
    .addColumn("valid_until", "date")
    .addColumn("source", "text", (c) => c.notNull())
    .addUniqueConstraint("procurement_thresholds_kind_from_unique", ["kind", "valid_from"])
    .execute();
  await db
    .insertInto("procurement_thresholds")
    .values([
      { kind: "no_publicity", amount_cents: 4_000_000, valid_from: "2020-01-01", valid_until: "2026-04-01", source: "R2122-8 du code de la commande publique (décret 2022-1683)" },
      { kind: "no_publicity", amount_cents: 6_000_000, valid_from: "2026-04-01", valid_until: null, source: "R2122-8 du code de la commande publique, relevé au 1er avril 2026" },
      { kind: "formalised", amount_cents: 21_600_000, valid_from: "2026-01-01", valid_until: "2028-01-01", source: "Seuils européens 2026-2027, fournitures et services des collectivités territoriales" },
    ])
    .execute();

  await db.schema
    .createTable("group_purchases")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("need_description", "text", (c) => c.notNull())
    .addColumn("coordinating_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_name", "text", (c) => c.notNull())
    .addColumn("contact_email", "text")
    .addColumn("join_deadline", "date", (c) => c.notNull())
    // The thresholds in force on this date decide the procedure.
    .addColumn("reference_date", "date", (c) => c.notNull().defaultTo(sql`current_date`))
    .addColumn("stage", "text", (c) =>
      c.notNull().defaultTo("needs").check(sql`stage in ('needs', 'consultation', 'negotiation', 'award', 'execution', 'closed')`),
    )
    .addColumn("awarded_offer_id", "uuid")
    .addColumn("award_reason", "text")
    .addColumn("awarded_at", "timestamptz")
    .addColumn("awarded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("group_purchases_network_idx").on("group_purchases").column("network_id").execute();

  await db.schema
    .createTable("group_purchase_stage_changes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("purchase_id", "uuid", (c) => c.notNull().references("group_purchases.id").onDelete("cascade"))
    .addColumn("from_stage", "text")
    .addColumn("to_stage", "text", (c) => c.notNull())
    .addColumn("changed_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("changed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("group_purchase_stage_changes_purchase_idx").on("group_purchase_stage_changes").column("purchase_id").execute();

  await db.schema
    .createTable("group_purchase_participants")
    .addColumn("purchase_id", "uuid", (c) => c.notNull().references("group_purchases.id").onDelete("cascade"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("decision", "text", (c) => c.notNull().check(sql`decision in ('interested', 'joined', 'declined')`))
    .addColumn("estimated_need_cents", "bigint", (c) => c.check(sql`estimated_need_cents >= 0`))
    .addColumn("board_approved_on", "date")
    // After the award each member still commits, or not, to its own order.
    .addColumn("order_decision", "text", (c) => c.check(sql`order_decision in ('confirmed', 'declined')`))
    .addColumn("order_decided_at", "timestamptz")
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("group_purchase_participants_pk", ["purchase_id", "organisation_id"])
    .addCheckConstraint("group_purchase_participants_joined_need", sql`decision <> 'joined' or estimated_need_cents is not null`)
    .execute();

  await db.schema
    .createTable("providers")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("siret", "text", (c) => c.notNull().check(sql`siret ~ '^[0-9]{14}$'`))
    .addColumn("contact", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("providers_network_siret_unique", ["network_id", "siret"])
    .execute();

  await db.schema
    .createTable("purchase_offers")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("purchase_id", "uuid", (c) => c.notNull().references("group_purchases.id").onDelete("cascade"))
    .addColumn("provider_id", "uuid", (c) => c.notNull().references("providers.id"))
    .addColumn("pricing_kind", "text", (c) => c.notNull().check(sql`pricing_kind in ('tiers', 'fixed_per_inhabitant')`))
    .addColumn("fixed_cents", "bigint", (c) => c.check(sql`fixed_cents >= 0`))
    .addColumn("per_inhabitant_cents", "bigint", (c) => c.check(sql`per_inhabitant_cents >= 0`))
    .addColumn("notes", "text")
    .addColumn("recorded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("purchase_offer_tiers")
    .addColumn("offer_id", "uuid", (c) => c.notNull().references("purchase_offers.id").onDelete("cascade"))
    .addColumn("min_participants", "integer", (c) => c.notNull().check(sql`min_participants >= 1`))
    .addColumn("price_cents", "bigint", (c) => c.notNull().check(sql`price_cents >= 0`))
    .addPrimaryKeyConstraint("purchase_offer_tiers_pk", ["offer_id", "min_participants"])
    .execute();
  await db.schema
    .alterTable("group_purchases")
    .addForeignKeyConstraint("group_purchases_awarded_offer_fk", ["awarded_offer_id"], "purchase_offers", ["id"])
    .onDelete("set null")
    .execute();

  await db.schema
    .createTable("conventions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("yearly_cost_cents", "bigint", (c) => c.notNull().check(sql`yearly_cost_cents >= 0`))
    .addColumn("split_method", "text", (c) =>
      c.notNull().check(sql`split_method in ('equal', 'population', 'caseload', 'percentage', 'residual')`),
    )
    .addColumn("cofinancer_name", "text")
    .addColumn("cofinancing_basis_points", "integer", (c) => c.notNull().defaultTo(0).check(sql`cofinancing_basis_points between 0 and 10000`))
    .addColumn("starts_on", "date", (c) => c.notNull())
    .addColumn("renews_on", "date", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("conventions_period", sql`starts_on < renews_on`)
    .execute();
  await db.schema.createIndex("conventions_network_idx").on("conventions").column("network_id").execute();
  await db.schema
    .createTable("convention_parties")
    .addColumn("convention_id", "uuid", (c) => c.notNull().references("conventions.id").onDelete("cascade"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("caseload", "integer", (c) => c.check(sql`caseload >= 0`))
    .addColumn("basis_points", "integer", (c) => c.check(sql`basis_points between 0 and 10000`))
    .addPrimaryKeyConstraint("convention_parties_pk", ["convention_id", "organisation_id"])
    .execute();
  // One row per convention and renewal date: the reminder job inserts it before sending, so two app instances never send twice.
  await db.schema
    .createTable("convention_reminders")
    .addColumn("convention_id", "uuid", (c) => c.notNull().references("conventions.id").onDelete("cascade"))
    .addColumn("renews_on", "date", (c) => c.notNull())
    .addColumn("recipients", "integer", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("convention_reminders_pk", ["convention_id", "renews_on"])
    .execute();

  await db.schema
    .createTable("abs_statuses")
    .addColumn("organisation_id", "uuid", (c) => c.primaryKey().references("organisations.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('not_started', 'provider_chosen', 'in_progress', 'presented')`))
    .addColumn("group_purchase_id", "uuid", (c) => c.references("group_purchases.id").onDelete("set null"))
    .addColumn("presented_on", "date")
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("abs_statuses_presented_date", sql`status <> 'presented' or presented_on is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "abs_statuses",
    "convention_reminders",
    "convention_parties",
    "conventions",
    "group_purchase_participants",
    "group_purchase_stage_changes",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("group_purchases").dropConstraint("group_purchases_awarded_offer_fk").execute();
  for (const table of ["purchase_offer_tiers", "purchase_offers", "providers", "group_purchases", "procurement_thresholds"]) {
    await db.schema.dropTable(table).execute();
  }
}
