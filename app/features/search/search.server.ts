import { sql, type RawBuilder } from "kysely";
import { INDEX_SCAN_SETTINGS, indexScanPool, inTransaction, type Executor } from "../../../db/client.ts";
import type { SearchKind } from "../../../db/schema.ts";
import { authorize } from "../auth/guards.server.ts";
import { draftReadableOrganisationIds, type Actor } from "../auth/permissions.ts";
import { SEARCH_COUNT_CAP, searchKindLabels } from "./kinds.ts";
import { MARK_END, MARK_START, prepareQuery } from "./query.ts";
import { bestWindow, highlightWindow } from "./snippet-window.ts";

/**
 * The one search of Tablée, used by the results page, the header's suggestions and the JSON API.
 * One statement returns the page (a bounded set of candidates ranked precisely) with the counts (total and facets of
 * the readable matches, capped at COUNT_CAP); snippets are made in JavaScript for the page only, on a bounded window
 * of its text (snippet-window.ts). Why and how it stays fast: docs/decisions/007-search-and-api.md.
 */

export const SEARCH_PAGE_SIZE = 20;

export interface SearchFilters {
  kind?: SearchKind;
  organisationId?: string;
  themeId?: string;
  year?: number;
}

export interface SearchHit {
  id: number;
  kind: SearchKind;
  title: string;
  documentId: string | null;
  meetingId: string | null;
  agendaItemId: string | null;
  organisationId: string | null;
  organisationName: string | null;
  themes: Array<{ id: string; label: string }>;
  year: number;
  updatedAt: Date;
  /** Text around the matches with MARK_START/MARK_END around matched words: render with snippetParts(). */
  snippet: string;
}

export interface FacetValue<T> {
  value: T;
  label: string;
  count: number;
}

export interface SearchResults {
  /** False when the query held nothing searchable (empty, stop words, punctuation). */
  searched: boolean;
  truncated: boolean;
  /** Capped at COUNT_CAP: when totalCapped, there are more than `total` results ("plus de 1 000"). */
  total: number;
  totalCapped: boolean;
  /** Facet counts over the first COUNT_CAP + 1 readable matches only: lower bounds ("au moins N"). */
  facetsApproximate: boolean;
  page: number;
  pageCount: number;
  hits: SearchHit[];
  facets: {
    kinds: Array<FacetValue<SearchKind>>;
    organisations: Array<FacetValue<string>>;
    themes: Array<FacetValue<string>>;
    years: Array<FacetValue<number>>;
  };
}

// ts_rank_cd weights for D, C, B, A: title 1, themes and legal references 0.6, body 0.3, practical details 0.1.
const WEIGHTS = "{0.1, 0.3, 0.6, 1.0}";

/** Up to +25 % for content edited in the last months, and a few % for often-read content. */
const BOOST = sql`(1 + 0.25 / (1 + extract(epoch from (now() - e.updated_at)) / (86400 * 180)) + 0.03 * ln(1 + e.read_count))`;

/**
 * Counts stop here: beyond, the page says "plus de 1 000 résultats" and the facets count the first 1,001 readable
 * matches only (lower bounds, shown as "au moins N"). Counting every match of a common word visits most of the table.
 */
export const COUNT_CAP = SEARCH_COUNT_CAP;

/**
 * Candidates ranked precisely, of each kind (the most recent matches; the title and theme matches): every match when
 * a query has fewer, else the best guesses of the ranking, found without visiting every match (docs/decisions/007).
 * Pages beyond the fifth widen the set to reach them.
 */
export const CANDIDATES = 100;

/** Date windows the most recent matches are taken from, newest first: a common word stops in the first one. */
const WINDOWS = ["30 days", "180 days", "2 years"];

const tsquery = (text: string) => sql`websearch_to_tsquery('fr_unaccent', ${text})`;

/**
 * Rows whose text matches `query`, read from `match_vector` (the lexemes without positions, kept in the row) instead of
 * the TOASTed `search_vector`: migration 0013. A vector without positions never matches a phrase (`<->`, which quoted
 * words and words joined by an apostrophe give), so the phrase operators are made ANDs for the indexed test and, only
 * when the query holds one, the phrase is checked on `search_vector`. Queries hold no negation (prepareQuery makes
 * dashes spaces), so the AND form is implied by the query itself. Both tests fold to constants when the statement is
 * planned: the GIN index and the planner's estimates see the query as before.
 */
function matching(query: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(e.match_vector @@ regexp_replace(${query}::text, '<(-|[0-9]+)>', '&', 'g')::tsquery
    and (strpos(${query}::text, '<') = 0 or e.search_vector @@ ${query}))`;
}

/**
 * Ids of up to `limit` rows matching `match` within `scope`, from the most recent date window that holds them: one
 * branch per window, evaluated in turn and stopped at `limit` rows. Each branch combines the GIN index with the
 * (network_id, updated_at) b-tree, so a common word reads the rows of the last weeks only, a rare one reads all its matches.
 */
function mostRecent(match: RawBuilder<unknown>, scope: RawBuilder<unknown>, limit: number): RawBuilder<unknown> {
  const bounds = [null, ...WINDOWS.map((window) => sql`now() - ${sql.lit(window)}::interval`), null];
  const branches = bounds.slice(0, -1).map((newer, index) => {
    const older = bounds[index + 1];
    const window = [older ? sql`e.updated_at >= ${older}` : null, newer ? sql`e.updated_at < ${newer}` : null].filter((c) => c !== null);
    return sql`(select e.id from search_entries e where ${match} and ${scope}${window.length ? sql` and ${sql.join(window, sql` and `)}` : sql``})`;
  });
  return sql`(select id from (${sql.join(branches, sql` union all `)}) w limit ${limit})`;
}

/**
 * The readable matches a search counts (total and facets) and takes its most recent candidates from: the first
 * COUNT_CAP + 1 its plan yields (newest first when a word is so common that the date index is the cheaper way, else
 * in the GIN index's order), with what the facets count. One scan serves the counts and the ranking: they used to be
 * two statements, each finding a common word's matches in the GIN index (docs/decisions/007-search-and-api.md).
 */
function cappedMatches(text: string, scope: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select e.id, e.kind, e.organisation_id, e.theme_ids, e.year, e.updated_at from search_entries e
    where ${matching(tsquery(text))} and ${scope} limit ${COUNT_CAP + 1}`;
}

/**
 * The ranking, as the CTEs `capped` (cappedMatches within `scope`) and `ranked` (ids and ranks of the page's hits):
 * candidates are the most recent of the capped matches and the title and theme matches (taken from the most recent date
 * window holding enough of them), ranked by ts_rank_cd over the full tsvector, times the boost. With filters, or beyond
 * the fifth page, the capped matches are enough only when they are all the matches; otherwise the recent candidates are
 * looked up by date window, filters applied (run only then).
 */
function rankingCtes(text: string, scope: RawBuilder<unknown>, filters: SearchFilters, limit: number, offset: number): RawBuilder<unknown> {
  const wanted = Math.max(CANDIDATES, offset + limit);
  const filtered = sql`${scope} and ${filtersExcept(filters, null, "e")}`;
  const fromCapped = (onlyWhenComplete: boolean) =>
    sql`(select m.id from capped m where ${filtersExcept(filters, null)}${onlyWhenComplete ? sql` and (select count(*) from capped) <= ${COUNT_CAP}` : sql``}
      order by m.updated_at desc limit ${wanted})`;
  const recent =
    !hasFilters(filters) && wanted === CANDIDATES
      ? fromCapped(false)
      : sql`(${fromCapped(true)} union all
          (select r.id from ${mostRecent(matching(tsquery(text)), filtered, wanted)} r where (select count(*) from capped) > ${COUNT_CAP}))`;
  return sql`capped as materialized (${cappedMatches(text, scope)}),
    candidates as (${recent} union ${mostRecent(sql`e.head_vector @@ ${tsquery(text)}`, filtered, wanted)}),
    ranked as (
      select e.id, ts_rank_cd(${WEIGHTS}::float4[], e.search_vector, ${tsquery(text)}, 1) * ${BOOST} as rank
      from candidates c join search_entries e on e.id = c.id
      order by rank desc, e.id limit ${limit} offset ${offset}
    )`;
}

/**
 * The ranking alone (match, candidates, precise rank) of one network's entries, no permissions, counts or
 * snippets: what `npm run bench:search` times as the bare SQL the endpoint builds on.
 */
export async function rankOnly(db: Executor, networkId: string, queryText: string, limit = SEARCH_PAGE_SIZE) {
  return withIndexScans(db, (tx) => rankOnlyQuery(networkId, queryText, limit).execute(tx).then((result) => result.rows));
}

export function rankOnlyQuery(networkId: string, queryText: string, limit = SEARCH_PAGE_SIZE) {
  const ranking = rankingCtes(prepareQuery(queryText).text, sql`e.network_id = ${networkId}`, {}, limit, 0);
  return sql<{ id: number; rank: number }>`with ${ranking} select id::int as id, rank from ranked order by rank desc, id`;
}

/**
 * For a common word the planner prefers a sequential scan, which evaluates `@@` on every row and so reads every
 * row's full tsvector out of TOAST: seconds on 100,000 documents. The GIN index returns exact matches without
 * reading them, so the search's statements run with sequential scans discouraged, without JIT compilation (its cost
 * estimate makes PostgreSQL compile for ~100 ms a statement that runs in 10), and planned for their own query text (a
 * generic plan cannot know how common the words are): on PostgreSQL on connections opened with those settings
 * (db/client.ts, `indexScanPool`), elsewhere in a transaction that sets them for itself alone (set_config(…, true)).
 */
async function withIndexScans<T>(db: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  const pool = indexScanPool(db);
  if (pool) return work(pool);
  return inTransaction(db, async (tx) => {
    await sql`select ${sql.join(Object.entries(INDEX_SCAN_SETTINGS).map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`.execute(tx);
    return work(tx);
  });
}

function uuidList(ids: string[]): RawBuilder<unknown> {
  return sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;
}

/** Rows of the network this actor may see: never another CCAS's draft. */
function visibleTo(actor: Actor, networkId: string): RawBuilder<unknown> {
  return sql`e.network_id = ${networkId}
    and (e.restricted_to_organisation_id is null
         or e.restricted_to_organisation_id = any(${uuidList(draftReadableOrganisationIds(actor, networkId))}))`;
}

type Dimension = keyof SearchFilters;

function filtersExcept(filters: SearchFilters, except: Dimension | null, alias = "m"): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filters.kind && except !== "kind") conditions.push(sql`${column("kind")} = ${filters.kind}`);
  if (filters.organisationId && except !== "organisationId") conditions.push(sql`${column("organisation_id")} = ${filters.organisationId}::uuid`);
  if (filters.themeId && except !== "themeId") conditions.push(sql`${filters.themeId}::uuid = any(${column("theme_ids")})`);
  if (filters.year && except !== "year") conditions.push(sql`${column("year")} = ${filters.year}`);
  return sql.join(conditions, sql` and `);
}

const hasFilters = (filters: SearchFilters) => Boolean(filters.kind || filters.organisationId || filters.themeId || filters.year);

const emptyResults = (truncated: boolean): SearchResults => ({
  searched: false,
  truncated,
  total: 0,
  totalCapped: false,
  facetsApproximate: false,
  page: 1,
  pageCount: 0,
  hits: [],
  facets: { kinds: [], organisations: [], themes: [], years: [] },
});

interface Counted<T> {
  value: T;
  count: number;
}


/**
 * The whole search in one statement: the page's hits (one row each, in order) and, on the first row (the only one when
 * nothing matched), the total and the facets — counted over the capped matches: under the cap every count is exact;
 * over it, the total is "more than COUNT_CAP" and each facet value counts those first matches only. Only readable rows
 * are ever counted: the cap applies after permissions. Each facet ignores its own filter.
 */
function searchQuery(text: string, actor: Actor, networkId: string, filters: SearchFilters, limit: number, offset: number) {
  const visible = visibleTo(actor, networkId);
  // With a filter and more matches than the cap, the filtered total needs its own capped scan (run only then).
  const filteredTotal = hasFilters(filters)
    ? sql`case when (select count(*) from capped) > ${COUNT_CAP}
        then (select count(*)::int from (select 1 from search_entries e where ${matching(tsquery(text))} and ${visible} and ${filtersExcept(filters, null, "e")} limit ${COUNT_CAP + 1}) f)
        else (select count(*)::int from capped m where ${filtersExcept(filters, null)}) end`
    : sql`(select count(*)::int from capped)`;
  return sql<PageRow & { counts: CountsRow | null }>`
    with ${rankingCtes(text, visible, filters, limit, offset)},
    counts as (
      select
        numnode(${tsquery(text)}) > 0 as valid,
        tsvector_to_array(to_tsvector('fr_unaccent', ${text})) as lexemes,
        (select json_agg(json_build_object('id', o.id, 'name', o.name)) from organisations o where o.network_id = ${networkId}) as organisation_names,
        (select json_agg(json_build_object('id', t.id, 'label', t.label)) from network_themes t where t.network_id = ${networkId}) as theme_labels,
        (select count(*)::int from capped) as matched,
        ${filteredTotal} as total,
        (select json_agg(f) from (select m.kind as value, count(*)::int as count from capped m
           where ${filtersExcept(filters, "kind")} group by m.kind) f) as kinds,
        (select json_agg(f) from (select m.organisation_id as value, count(*)::int as count from capped m
           where m.organisation_id is not null and ${filtersExcept(filters, "organisationId")} group by m.organisation_id) f) as organisations,
        (select json_agg(f) from (select theme_id as value, count(*)::int as count
           from (select unnest(m.theme_ids) as theme_id from capped m where ${filtersExcept(filters, "themeId")}) t group by theme_id) f) as themes,
        (select json_agg(f) from (select m.year as value, count(*)::int as count from capped m
           where ${filtersExcept(filters, "year")} group by m.year) f) as years
    ),
    page as (
      select e.id::int as id, e.kind, e.title, e.document_id, e.meeting_id, e.agenda_item_id, e.organisation_id, e.theme_ids,
        e.year, e.updated_at, e.excerpt, row_number() over (order by r.rank desc, e.id) as position
      from ranked r join search_entries e on e.id = r.id
    )
    select p.id, p.kind, p.title, p.document_id, p.meeting_id, p.agenda_item_id, p.organisation_id, p.theme_ids, p.year,
      p.updated_at, p.excerpt, case when coalesce(p.position, 1) = 1 then (select row_to_json(c) from counts c) end as counts
    from (select 1) one left join page p on true
    order by p.position
  `;
}

interface CountsRow {
  valid: boolean;
  /** The query's lexemes, for the snippets. */
  lexemes: string[];
  /** Names of the network's CCAS and themes, for the facets and the hits. */
  organisationNames: Array<{ id: string; name: string }> | null;
  themeLabels: Array<{ id: string; label: string }> | null;
  matched: number;
  total: number;
  kinds: Array<Counted<SearchKind>> | null;
  organisations: Array<Counted<string>> | null;
  themes: Array<Counted<string>> | null;
  years: Array<Counted<number>> | null;
}

type PageRow = Omit<SearchHit, "snippet" | "organisationName" | "themes"> & { themeIds: string[]; excerpt: string };

export async function search(
  db: Executor,
  input: { actor: Actor; networkId: string; query: string; filters?: SearchFilters; page?: number; pageSize?: number },
): Promise<SearchResults> {
  authorize(input.actor, { action: "network.view", networkId: input.networkId });
  const prepared = prepareQuery(input.query);
  if (!prepared.text) return emptyResults(prepared.truncated);
  const filters = input.filters ?? {};
  const pageSize = input.pageSize ?? SEARCH_PAGE_SIZE;
  const page = Math.max(1, Math.min(input.page ?? 1, 500));
  const offset = (page - 1) * pageSize;
  const { rows } = await withIndexScans(db, (tx) => searchQuery(prepared.text, input.actor, input.networkId, filters, pageSize, offset).execute(tx));
  const row = rows[0]!.counts!;
  if (!row.valid) return emptyResults(prepared.truncated);
  const names = labels(row);

  const hits = withSnippets(
    rows.filter((hit) => hit.id !== null),
    row.lexemes,
  ).map(({ row: hit, snippet }) => {
    const { themeIds, excerpt: _excerpt, counts: _counts, ...rest } = hit;
    return {
      ...rest,
      id: Number(hit.id),
      snippet,
      organisationName: rest.organisationId ? names.organisation(rest.organisationId) : null,
      themes: themeIds.map((themeId) => ({ id: themeId, label: names.theme(themeId) })),
    };
  });
  const sortByCount = <T>(values: Array<FacetValue<T>>) => values.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, "fr"));
  const totalCapped = row.total > COUNT_CAP;
  const total = Math.min(row.total, COUNT_CAP);
  return {
    searched: true,
    truncated: prepared.truncated,
    total,
    totalCapped,
    facetsApproximate: row.matched > COUNT_CAP,
    page,
    pageCount: Math.ceil(total / pageSize),
    hits,
    facets: {
      kinds: sortByCount((row.kinds ?? []).map((k) => ({ ...k, label: names.kind(k.value) }))),
      organisations: sortByCount((row.organisations ?? []).map((o) => ({ ...o, label: names.organisation(o.value) }))),
      themes: sortByCount((row.themes ?? []).map((t) => ({ ...t, label: names.theme(t.value) }))),
      years: (row.years ?? []).map((y) => ({ ...y, label: String(y.value) })).sort((a, b) => b.value - a.value),
    },
  };
}

interface Labels {
  organisation(id: string): string;
  theme(id: string): string;
  kind(kind: SearchKind): string;
}

function labels(row: Pick<CountsRow, "organisationNames" | "themeLabels">): Labels {
  const organisationNames = new Map((row.organisationNames ?? []).map((o) => [o.id, o.name]));
  const themeLabels = new Map((row.themeLabels ?? []).map((t) => [t.id, t.label]));
  return {
    organisation: (id) => organisationNames.get(id) ?? "CCAS",
    theme: (id) => themeLabels.get(id) ?? "Thème",
    kind: (kind) => searchKindLabels[kind],
  };
}

const MARKS = { start: MARK_START, end: MARK_END };

function withSnippets<Row extends PageRow>(rows: Row[], lexemes: string[]): Array<{ row: Row; snippet: string }> {
  return rows.map((row) => ({ row, snippet: highlightWindow(row.excerpt, bestWindow(row.excerpt, lexemes), lexemes, MARKS) }));
}

export interface Suggestion {
  id: number;
  kind: SearchKind;
  title: string;
  documentId: string | null;
  meetingId: string | null;
  agendaItemId: string | null;
}

/** Titles matching what is being typed, the last word as a prefix ("hospitalisation d'off" → "office…"). */
export async function suggest(db: Executor, input: { actor: Actor; networkId: string; query: string; limit?: number }): Promise<Suggestion[]> {
  authorize(input.actor, { action: "network.view", networkId: input.networkId });
  const prepared = prepareQuery(input.query);
  if (!prepared.text) return [];
  const query = prepared.prefix
    ? sql`(websearch_to_tsquery('fr_unaccent', ${prepared.head}) && to_tsquery('fr_unaccent', ${`${prepared.prefix}:*`}))`
    : sql`websearch_to_tsquery('fr_unaccent', ${prepared.text})`;
  // Candidates as for the results (title matches and the most recent matches), then the best titles first.
  const scope = visibleTo(input.actor, input.networkId);
  const limit = input.limit ?? 8;
  return withIndexScans(db, async (tx) => {
    const { rows } = await sql<Suggestion>`
    with q as materialized (select ${query} as query),
    candidates as (
      ${mostRecent(sql`e.head_vector @@ ${query}`, scope, 50)}
      union
      ${mostRecent(matching(query), scope, 50)}
    )
    select e.id::int as id, e.kind, e.title, e.document_id, e.meeting_id, e.agenda_item_id
    from candidates c join search_entries e on e.id = c.id, q
    where numnode(q.query) > 0
    order by (ts_rank(e.head_vector, q.query) + 0.01) * ${BOOST} desc, e.id
    limit ${limit}
  `.execute(tx);
    return rows;
  });
}
