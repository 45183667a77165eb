import type { SearchParameters } from "./schemas.ts";

/**
 * The results page's address for these parameters: ?q=…&type=…&ccas=…&theme=…&annee=…&page=…
 * Apart from the zod schemas (schemas.ts), so that the page's links do not bring zod to the browser.
 */
export function searchPageQuery(params: Partial<SearchParameters>): string {
  const query = new URLSearchParams();
  if (params.q) query.set("q", params.q);
  if (params.kind) query.set("type", params.kind);
  if (params.organisationId) query.set("ccas", params.organisationId);
  if (params.themeId) query.set("theme", params.themeId);
  if (params.year) query.set("annee", String(params.year));
  if (params.page && params.page > 1) query.set("page", String(params.page));
  return query.toString();
}
