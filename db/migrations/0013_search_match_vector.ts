import { sql, type Kysely } from "kysely";

/**
 * What a search matches on, small enough to stay in the row (docs/decisions/007-search-and-api.md, "Matching in the
 * row"): `match_vector`, the lexemes of `search_vector` without positions or weights (`strip`), generated, kept in the
 * row (storage main) and GIN-indexed in place of `search_vector`. Every `@@` of the search read the full tsvector out of
 * TOAST (`toast_tuple_target = 400`), about four buffers and a decompression per row visited: the capped counts visit
 * ~1,100 rows of a common word, and cost as much as the whole ranking. `search_vector` stays for `ts_rank_cd` on the
 * candidates and for phrases (`<->` never matches a vector without positions).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One statement, so that the table is rewritten once, with the column already kept in the row, and the other columns
  // stored as the default toast_tuple_target (2 KB) says: at 400 bytes, the match_vector in the row pushed the small
  // columns a count reads (theme_ids, title) out to TOAST as well.
  await sql`alter table search_entries
    reset (toast_tuple_target),
    add column match_vector tsvector generated always as (strip(search_vector)) stored,
    alter column match_vector set storage main`.execute(db);
  await sql`create index search_entries_match_idx on search_entries using gin (match_vector) with (fastupdate = off)`.execute(db);
  // The GIN index of a tsvector holds its lexemes only: the one on match_vector answers what this one did.
  await sql`drop index search_entries_vector_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index search_entries_vector_idx on search_entries using gin (search_vector) with (fastupdate = off)`.execute(db);
  await sql`alter table search_entries drop column match_vector, set (toast_tuple_target = 400)`.execute(db);
}
