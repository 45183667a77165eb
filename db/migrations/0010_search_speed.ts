import { sql, type Kysely } from "kysely";

/**
 * Search at 100,000 documents (docs/decisions/007-search-and-api.md, "Bounded cost"): what the ranking reads
 * for its candidates without opening the full tsvector.
 * - `head_vector`: the title and theme/legal-reference lexemes (weights A and B) of `search_vector`, GIN-indexed, so
 *   that title and theme matches are found as candidates on their own. Kept in the row (storage main): the
 *   generated `title_vector` it replaces was moved to TOAST by `toast_tuple_target = 400`, so ranking every
 *   match by it read a TOAST chunk per match.
 * - `(network_id, updated_at desc)`: a network's entries by recency, so that the most recent matches are
 *   found by date window without visiting every match of a common word.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table search_entries drop column title_vector`.execute(db);
  await sql`alter table search_entries add column head_vector tsvector generated always as (ts_filter(search_vector, '{a,b}')) stored`.execute(db);
  await sql`alter table search_entries alter column head_vector set storage main`.execute(db);
  // Rows written before this migration were stored with the default storage: write them again (no-op update).
  await sql`update search_entries set read_count = read_count`.execute(db);
  await sql`create index search_entries_head_idx on search_entries using gin (head_vector) with (fastupdate = off)`.execute(db);
  await sql`create index search_entries_recent_idx on search_entries (network_id, updated_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index search_entries_recent_idx`.execute(db);
  await sql`drop index search_entries_head_idx`.execute(db);
  await sql`alter table search_entries drop column head_vector`.execute(db);
  await sql`alter table search_entries add column title_vector tsvector generated always as (to_tsvector('fr_unaccent', title)) stored`.execute(db);
}
