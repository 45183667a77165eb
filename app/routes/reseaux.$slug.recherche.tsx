import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { facetCountLabel, resultsHeading, SEARCH_COUNT_CAP, searchKindLabels, searchResultPath } from "../features/search/kinds.ts";
import { MAX_QUERY_LENGTH, snippetParts } from "../features/search/query.ts";
import { searchPageQuery } from "../features/search/page-address.ts";
import { readSearchPageParams, type SearchParameters } from "../features/search/schemas.ts";
import { search } from "../features/search/search.server.ts";
import { formatDate, formatInteger } from "../i18n/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.params.q ? `« ${data.params.q.slice(0, 60)} » — Recherche — Tablée` : "Recherche — Tablée" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const searchParams = readSearchPageParams(new URL(request.url).searchParams);
  const { q, page, ...filters } = searchParams;
  const results = await search(context.db, { actor, networkId: network.id, query: q, filters, page });
  return {
    params: searchParams,
    results: {
      ...results,
      hits: results.hits.map((hit) => ({
        id: hit.id,
        title: hit.title,
        kindLabel: searchKindLabels[hit.kind],
        path: searchResultPath(network.slug, hit),
        organisationName: hit.organisationName,
        themes: hit.themes.map((theme) => theme.label),
        updatedOn: formatDate(hit.updatedAt),
        snippet: snippetParts(hit.snippet),
      })),
    },
  };
}

type Facet = { value: string | number; label: string; count: number };

export default function SearchPage() {
  const { params, results } = useLoaderData<typeof loader>();
  const link = (change: Partial<SearchParameters>) => `?${searchPageQuery({ ...params, page: undefined, ...change })}`;
  const facetGroups: Array<{ title: string; key: "kind" | "organisationId" | "themeId" | "year"; values: Facet[] }> = [
    { title: "Type", key: "kind", values: results.facets.kinds },
    { title: "CCAS", key: "organisationId", values: results.facets.organisations },
    { title: "Thème", key: "themeId", values: results.facets.themes },
    { title: "Année", key: "year", values: results.facets.years },
  ];
  return (
    <>
      <h1>Recherche</h1>
      <Form method="get" role="search" aria-label="Nouvelle recherche" className="card">
        <div className="field">
          <label htmlFor="search-q">Rechercher dans la veille, les fiches pratiques, les ordres du jour et les comptes rendus</label>
          <span className="hint" id="search-q-hint">
            Les accents, les majuscules et les pluriels sont sans importance : « sejour senior » trouve « Séjours seniors ».
          </span>
          <input id="search-q" type="search" name="q" defaultValue={params.q} aria-describedby="search-q-hint" maxLength={10000} />
        </div>
        {params.kind ? <input type="hidden" name="type" value={params.kind} /> : null}
        <button type="submit" className="button">
          Rechercher
        </button>
      </Form>
      {results.truncated ? (
        <p className="warning" role="status">
          Votre recherche était très longue : seuls ses {MAX_QUERY_LENGTH} premiers caractères ont été utilisés.
        </p>
      ) : null}
      {!params.q.trim() ? (
        <div className="empty-state">
          <h2>Que cherchez-vous ?</h2>
          <p>Saisissez quelques mots, par exemple « portage de repas » ou « hospitalisation d'office ».</p>
        </div>
      ) : !results.searched ? (
        <div className="empty-state" role="status">
          <h2>Aucun mot à rechercher</h2>
          <p>Votre recherche ne contient que des mots trop courants ou de la ponctuation. Essayez avec des mots plus précis.</p>
        </div>
      ) : (
        <div className="search-layout">
          <section aria-labelledby="resultats">
            {/* The count is announced when it changes; the live region wraps the heading, which a role would hide. */}
            <div role="status">
              <h2 id="resultats">{resultsHeading(results.total, results.totalCapped, params.q)}</h2>
            </div>
            {results.total === 0 ? (
              <p>Vérifiez l'orthographe, retirez un filtre ou essayez un mot plus général.</p>
            ) : (
              <ol className="search-hits">
                {results.hits.map((hit) => (
                  <li key={hit.id}>
                    <h3>
                      <Link to={hit.path}>{hit.title}</Link>
                    </h3>
                    <p className="muted">
                      <span className="badge">{hit.kindLabel}</span>
                      {hit.organisationName ? ` ${hit.organisationName} ·` : ""} modifié le {hit.updatedOn}
                      {hit.themes.length ? ` · ${hit.themes.join(", ")}` : ""}
                    </p>
                    {hit.snippet.length ? (
                      <p className="snippet">
                        {hit.snippet.map((part, index) => (part.matched ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
                      </p>
                    ) : null}
                  </li>
                ))}
              </ol>
            )}
            {results.pageCount > 1 ? (
              <nav className="pagination" aria-label="Pages de résultats">
                {results.page > 1 ? <Link to={`?${searchPageQuery({ ...params, page: results.page - 1 })}`}>Page précédente</Link> : null}
                <span>
                  Page {results.page} sur {results.pageCount}
                </span>
                {results.page < results.pageCount ? <Link to={`?${searchPageQuery({ ...params, page: results.page + 1 })}`}>Page suivante</Link> : null}
              </nav>
            ) : null}
          </section>
          <aside className="facets card" aria-labelledby="filtres">
            <h2 id="filtres">Filtrer</h2>
            {results.facetsApproximate ? (
              <p className="hint">Plus de {formatInteger(SEARCH_COUNT_CAP)} résultats : les nombres ne portent que sur les premiers trouvés. Ajoutez un mot ou un filtre pour des nombres exacts.</p>
            ) : null}
            {facetGroups.map((group) =>
              group.values.length === 0 && !params[group.key] ? null : (
                <nav key={group.key} aria-label={`Filtrer par ${group.title.toLowerCase()}`}>
                  <h3>{group.title}</h3>
                  <ul>
                    {params[group.key] ? (
                      <li>
                        <Link to={link({ [group.key]: undefined })}>Tous</Link>
                      </li>
                    ) : null}
                    {group.values.map((value) => {
                      const current = String(params[group.key] ?? "") === String(value.value);
                      return (
                        <li key={value.value}>
                          <Link to={link({ [group.key]: value.value })} aria-current={current ? "true" : undefined}>
                            {value.label} <span className="muted">({facetCountLabel(value.count, results.facetsApproximate)})</span>
                          </Link>
                        </li>
                      );
                    })}
                  </ul>
                </nav>
              ),
            )}
          </aside>
        </div>
      )}
    </>
  );
}
