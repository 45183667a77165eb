import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiError, handleApi, requireApiCaller, resolveNetwork } from "../features/api/http.server.ts";
import { searchKindLabels, searchResultPath } from "../features/search/kinds.ts";
import { snippetHtml, snippetText } from "../features/search/query.ts";
import { apiSearchSchema } from "../features/search/schemas.ts";
import { search } from "../features/search/search.server.ts";

/** GET /api/v1/search — the results page's search, as JSON (docs: /api/v1/openapi.json). */
export const loader = ({ request, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const caller = await requireApiCaller(context, request);
    const url = new URL(request.url);
    const parsed = apiSearchSchema.safeParse(Object.fromEntries([...url.searchParams].filter(([, value]) => value !== "")));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const status = issue.code === "too_big" && issue.path[0] === "q" ? 413 : 400;
      return apiError(status, status === 413 ? "payload_too_large" : "invalid_parameter", issue.message);
    }
    const { q, network: slug, kind, organisation, theme, year, page } = parsed.data;
    const network = resolveNetwork(caller, slug ?? null);
    const results = await search(context.db, {
      actor: caller.actor,
      networkId: network.id,
      query: q,
      filters: { kind, organisationId: organisation, themeId: theme, year },
      page,
    });
    return Response.json({
      query: q,
      network: { slug: network.slug, name: network.name },
      searched: results.searched,
      truncated: results.truncated,
      total: results.total,
      totalCapped: results.totalCapped,
      facetsApproximate: results.facetsApproximate,
      page: results.page,
      pageCount: results.pageCount,
      results: results.hits.map((hit) => ({
        kind: hit.kind,
        kindLabel: searchKindLabels[hit.kind],
        title: hit.title,
        url: `${context.baseUrl}${searchResultPath(network.slug, hit)}`,
        documentId: hit.documentId,
        meetingId: hit.meetingId,
        agendaItemId: hit.agendaItemId,
        organisation: hit.organisationId ? { id: hit.organisationId, name: hit.organisationName } : null,
        themes: hit.themes,
        year: hit.year,
        updatedAt: hit.updatedAt.toISOString(),
        snippet: snippetText(hit.snippet),
        snippetHtml: snippetHtml(hit.snippet),
      })),
      facets: {
        kinds: results.facets.kinds,
        organisations: results.facets.organisations,
        themes: results.facets.themes,
        years: results.facets.years,
      },
    });
  });
