import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiSession } from "../features/auth/guards.server.ts";
import { COMMUNES_SOURCE, searchCommunes } from "../features/network/communes.server.ts";
import { communeQuerySchema } from "../features/network/schemas.ts";

/** Commune search for signed-in users: `?q=` a name (accents optional) or a postcode. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireApiSession(context);
  const parsed = communeQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    return Response.json({ error: parsed.error.issues[0]?.message ?? "Recherche invalide." }, { status: 400 });
  }
  return Response.json({ source: COMMUNES_SOURCE, communes: searchCommunes(parsed.data.q) });
}
