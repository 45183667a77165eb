import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiSession } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { searchKindLabels, searchResultPath } from "../features/search/kinds.ts";
import { suggest } from "../features/search/search.server.ts";

/** Suggestions for the header's search box, as the user types (same permissions as the results page). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireApiSession(context);
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const query = new URL(request.url).searchParams.get("q") ?? "";
  const suggestions = await suggest(context.db, { actor, networkId: network.id, query });
  return Response.json({
    suggestions: suggestions.map((suggestion) => ({
      title: suggestion.title,
      kindLabel: searchKindLabels[suggestion.kind],
      path: searchResultPath(network.slug, suggestion),
    })),
  });
}
