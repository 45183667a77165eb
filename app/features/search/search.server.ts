import { sql, type RawBuilder } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { SearchKind } from "../../../db/schema.ts";
import { authorize } from "../auth/guards.server.ts";
import { draftReadableOrganisationIds, type Actor } from "../auth/permissions.ts";
import { searchKindLabels } from "./kinds.ts";
import { MARK_END, MARK_START, prepareQuery } from "./query.ts";
import { bestWindow } from "./snippet-window.ts";

/**
 * The one search of Tablée, used by the results page, the header's suggestions and the JSON API.
 * Matching and ranking run once per query (a materialised CTE); the page, the total and the
 * facets are all read from it; snippets are computed afterwards for the page only, on a bounded excerpt.
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
  /** ts_headline's output with MARK_START/MARK_END around matched words: render with snippetParts(). */
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
  total: number;
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

/** Precise relevance: reads the full tsvector, so it is computed for PRECISE_CANDIDATES rows at most. */
const RANK = sql`ts_rank_cd(${WEIGHTS}::float4[], e.search_vector, q.query, 1) * ${BOOST}`;

/**
 * Cheap relevance from the row alone (its small title tsvector, date and read count): orders every match to pick
 * the candidates ranked precisely. A query matching fewer rows than PRECISE_CANDIDATES gets the exact ranking;
 * a very common one ranks precisely its best titles and most recent and read content.
 */
const PRE_RANK = sql`(ts_rank(e.title_vector, q.query) + 0.01) * ${BOOST}`;
export const PRECISE_CANDIDATES = 300;

/**
 * The ranking alone (match, candidates, precise rank) of one network's entries, no permissions, counts or
 * snippets: what `npm run bench:search` times as the bare SQL the endpoint builds on.
 */
export async function rankOnly(db: Executor, networkId: string, queryText: string, limit = SEARCH_PAGE_SIZE) {
  return withIndexScans(db, (tx) => rankOnlyQuery(networkId, queryText, limit).execute(tx).then((result) => result.rows));
}

export function rankOnlyQuery(networkId: string, queryText: string, limit = SEARCH_PAGE_SIZE) {
  return sql<{ id: number; rank: number }>`
    with q as materialized (select websearch_to_tsquery('fr_unaccent', ${prepareQuery(queryText).text}) as query),
    matches as materialized (
      select e.id, ${PRE_RANK} as pre_rank from search_entries e, q where e.search_vector @@ q.query and e.network_id = ${networkId}
    ),
    candidates as (select id from matches order by pre_rank desc, id limit ${PRECISE_CANDIDATES})
    select e.id::int as id, ${RANK} as rank from candidates c join search_entries e on e.id = c.id, q
    order by rank desc, e.id limit ${limit}
  `;
}

/**
 * For a common word the planner prefers a sequential scan, which evaluates `@@` on every row and so reads every
 * row's full tsvector out of TOAST: seconds on 100,000 documents. The GIN index returns exact matches without
 * reading them, so the search's statements run with sequential scans discouraged (SET LOCAL: this transaction only).
 */
async function withIndexScans<T>(db: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  return inTransaction(db, async (tx) => {
    await sql`set local enable_seqscan = off`.execute(tx);
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

function filtersExcept(filters: SearchFilters, except: Dimension | null): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filters.kind && except !== "kind") conditions.push(sql`m.kind = ${filters.kind}`);
  if (filters.organisationId && except !== "organisationId") conditions.push(sql`m.organisation_id = ${filters.organisationId}::uuid`);
  if (filters.themeId && except !== "themeId") conditions.push(sql`${filters.themeId}::uuid = any(m.theme_ids)`);
  if (filters.year && except !== "year") conditions.push(sql`m.year = ${filters.year}`);
  return sql.join(conditions, sql` and `);
}

const emptyResults = (truncated: boolean): SearchResults => ({
  searched: false,
  truncated,
  total: 0,
  page: 1,
  pageCount: 0,
  hits: [],
  facets: { kinds: [], organisations: [], themes: [], years: [] },
});

interface Counted<T> {
  value: T;
  count: number;
}

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

  const { rows } = await withIndexScans(db, (tx) => sql<{
    valid: boolean;
    total: number;
    lexemes: string[];
    pageIds: Array<{ id: number }> | null;
    kinds: Array<Counted<SearchKind>> | null;
    organisations: Array<Counted<string>> | null;
    themes: Array<Counted<string>> | null;
    years: Array<Counted<number>> | null;
  }>`
    with q as materialized (select websearch_to_tsquery('fr_unaccent', ${prepared.text}) as query),
    matches as materialized (
      select e.id, e.kind, e.organisation_id, e.theme_ids, e.year, ${PRE_RANK} as pre_rank
      from search_entries e, q
      where e.search_vector @@ q.query and ${visibleTo(input.actor, input.networkId)}
    ),
    filtered as materialized (select * from matches m where ${filtersExcept(filters, null)}),
    candidates as (select id from filtered order by pre_rank desc, id limit ${PRECISE_CANDIDATES}),
    ranked as (select e.id, ${RANK} as rank from candidates c join search_entries e on e.id = c.id, q),
    ordered as (select f.id, r.rank, f.pre_rank from filtered f left join ranked r on r.id = f.id)
    select
      (select numnode(query) > 0 from q) as valid,
      (select count(*)::int from filtered) as total,
      tsvector_to_array(to_tsvector('fr_unaccent', ${prepared.text})) as lexemes,
      (select json_agg(p) from (select id from ordered order by rank desc nulls last, pre_rank desc, id
         limit ${pageSize} offset ${(page - 1) * pageSize}) p) as page_ids,
      (select json_agg(f) from (select m.kind as value, count(*)::int as count from matches m
         where ${filtersExcept(filters, "kind")} group by m.kind) f) as kinds,
      (select json_agg(f) from (select m.organisation_id as value, count(*)::int as count from matches m
         where m.organisation_id is not null and ${filtersExcept(filters, "organisationId")} group by m.organisation_id) f) as organisations,
      (select json_agg(f) from (select t.theme_id as value, count(*)::int as count from matches m, unnest(m.theme_ids) as t(theme_id)
         where ${filtersExcept(filters, "themeId")} group by t.theme_id) f) as themes,
      (select json_agg(f) from (select m.year as value, count(*)::int as count from matches m
         where ${filtersExcept(filters, "year")} group by m.year) f) as years
  `.execute(tx));
  const row = rows[0]!;
  if (!row.valid) return emptyResults(prepared.truncated);

  const names = await labels(db, input.networkId);
  const hits = await hitsWithSnippets(db, (row.pageIds ?? []).map((p) => p.id), prepared.text, row.lexemes, names);
  const sortByCount = <T>(values: Array<FacetValue<T>>) => values.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, "fr"));
  return {
    searched: true,
    truncated: prepared.truncated,
    total: row.total,
    page,
    pageCount: Math.ceil(row.total / pageSize),
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

async function labels(db: Executor, networkId: string): Promise<Labels> {
  const [organisations, themes] = await Promise.all([
    db.selectFrom("organisations").select(["id", "name"]).where("networkId", "=", networkId).execute(),
    db.selectFrom("networkThemes").select(["id", "label"]).where("networkId", "=", networkId).execute(),
  ]);
  const organisationNames = new Map(organisations.map((o) => [o.id, o.name]));
  const themeLabels = new Map(themes.map((t) => [t.id, t.label]));
  return {
    organisation: (id) => organisationNames.get(id) ?? "CCAS",
    theme: (id) => themeLabels.get(id) ?? "Thème",
    kind: (kind) => searchKindLabels[kind],
  };
}

// ts_headline reads only the best window of each excerpt (snippet-window.ts): a 200 KB page costs what a short one does.
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=14`;

async function hitsWithSnippets(db: Executor, ids: number[], queryText: string, lexemes: string[], names: Labels): Promise<SearchHit[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("searchEntries")
    .select(["id", "kind", "title", "documentId", "meetingId", "agendaItemId", "organisationId", "themeIds", "year", "updatedAt", "excerpt"])
    .where("id", "in", ids)
    .execute();
  const windows = rows.map((row) => {
    const window = bestWindow(row.excerpt, lexemes);
    return { row, window, text: row.excerpt.slice(window.start, window.end) };
  });
  const { rows: headlines } = await sql<{ position: number; headline: string }>`
    select t.position::int as position, case when t.body = '' then '' else ts_headline('fr_unaccent', t.body, q.query, ${HEADLINE_OPTIONS}) end as headline
    from json_array_elements_text((${JSON.stringify(windows.map((w) => w.text))}::text)::json) with ordinality as t(body, position),
      websearch_to_tsquery('fr_unaccent', ${queryText}) as q(query)
  `.execute(db);
  const byId = new Map(
    windows.map(({ row, window }, index) => {
      const headline = headlines.find((h) => h.position === index + 1)?.headline ?? "";
      const snippet = headline ? `${window.start > 0 ? "… " : ""}${headline}${window.end < row.excerpt.length ? " …" : ""}` : "";
      return [Number(row.id), { row, snippet }];
    }),
  );
  return ids.flatMap((id) => {
    const entry = byId.get(id);
    if (!entry) return [];
    const { themeIds, excerpt: _excerpt, ...rest } = entry.row;
    return [
      {
        ...rest,
        id,
        snippet: entry.snippet,
        organisationName: rest.organisationId ? names.organisation(rest.organisationId) : null,
        themes: themeIds.map((themeId) => ({ id: themeId, label: names.theme(themeId) })),
      },
    ];
  });
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
    ? sql`websearch_to_tsquery('fr_unaccent', ${prepared.head}) && to_tsquery('fr_unaccent', ${`${prepared.prefix}:*`})`
    : sql`websearch_to_tsquery('fr_unaccent', ${prepared.text})`;
  return withIndexScans(db, async (tx) => {
    const { rows } = await sql<Suggestion>`
    with q as materialized (select ${query} as query)
    select e.id::int as id, e.kind, e.title, e.document_id, e.meeting_id, e.agenda_item_id
    from search_entries e, q
    where numnode(q.query) > 0 and e.search_vector @@ q.query and ${visibleTo(input.actor, input.networkId)}
    order by ${PRE_RANK} desc, e.id
    limit ${input.limit ?? 8}
  `.execute(tx);
    return rows;
  });
}
