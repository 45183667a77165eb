import { sql, type Kysely } from "kysely";

/** Round tables: meetings hosted in rotation, their agenda built in common, and the rotation's settings. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("meetings")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    .addColumn("host_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("duration_minutes", "integer", (c) => c.notNull().defaultTo(180).check(sql`duration_minutes between 30 and 720`))
    .addColumn("place", "text")
    .addColumn("access_details", "text")
    .addColumn("host_theme", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("planned").check(sql`status in ('planned', 'agenda_open', 'agenda_closed', 'held', 'minutes_published')`),
    )
    // Set when the coordinator chose another host than the rotation proposed: kept and shown.
    .addColumn("proposed_host_organisation_id", "uuid", (c) => c.references("organisations.id").onDelete("set null"))
    .addColumn("override_reason", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    // The minutes: a rich text co-edited live (documents.kind = 'minutes'), created when someone starts writing them.
    .addColumn("minutes_document_id", "uuid", (c) => c.references("documents.id").onDelete("set null"))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // Two coordinators creating the same planned meeting at once make one meeting, not two.
    .addUniqueConstraint("meetings_network_starts_at_unique", ["network_id", "starts_at"])
    .execute();

  await db.schema
    .createTable("rotation_preferences")
    .addColumn("organisation_id", "uuid", (c) => c.primaryKey().references("organisations.id").onDelete("cascade"))
    .addColumn("tie_order", "integer")
    .addColumn("never_hosts", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("rotation_exceptions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("starts_on", "date", (c) => c.notNull())
    .addColumn("ends_on", "date", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("rotation_exceptions_period", sql`starts_on <= ends_on`)
    .execute();
  await db.schema.createIndex("rotation_exceptions_organisation_idx").on("rotation_exceptions").column("organisation_id").execute();

  await db.schema
    .createTable("agenda_items")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("meeting_id", "uuid", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('information', 'exchange', 'decision')`))
    .addColumn("estimated_minutes", "integer", (c) => c.notNull().check(sql`estimated_minutes between 1 and 480`))
    .addColumn("proposing_organisation_id", "uuid", (c) => c.references("organisations.id").onDelete("set null"))
    .addColumn("proposed_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("proposed").check(sql`status in ('proposed', 'accepted', 'deferred', 'declined')`),
    )
    .addColumn("decline_reason", "text")
    // Deferring copies the item onto the next meeting once: the unique index below makes a second copy impossible.
    .addColumn("carried_over_from_id", "uuid", (c) => c.references("agenda_items.id").onDelete("set null"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("agenda_items_meeting_idx").on("agenda_items").columns(["meeting_id", "position"]).execute();
  await db.schema
    .createIndex("agenda_items_carried_over_unique")
    .on("agenda_items")
    .column("carried_over_from_id")
    .unique()
    .where(sql.ref("carried_over_from_id"), "is not", null)
    .execute();

  // Who each CCAS sends; after the meeting the host records who actually came.
  await db.schema
    .createTable("attendance")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("meeting_id", "uuid", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("function", "text", (c) => c.notNull().check(sql`function in ('elected', 'director', 'other')`))
    .addColumn("accessibility_needs", "text")
    .addColumn("attended", "boolean")
    .addColumn("registered_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("attendance_meeting_idx").on("attendance").columns(["meeting_id", "organisation_id"]).execute();

  // Follow-up actions decided at a meeting; open ones are shown at the following meetings until done.
  await db.schema
    .createTable("follow_up_actions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("meeting_id", "uuid", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("owner_organisation_id", "uuid", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("due_on", "date", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open").check(sql`status in ('open', 'done', 'dropped')`))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("follow_up_actions_meeting_idx").on("follow_up_actions").column("meeting_id").execute();

  await db.schema
    .createTable("agenda_supports")
    .addColumn("agenda_item_id", "uuid", (c) => c.notNull().references("agenda_items.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("agenda_supports_pk", ["agenda_item_id", "user_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Migrations are forward-only.");
}
