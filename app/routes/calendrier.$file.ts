import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarForFeedToken } from "../features/roundtables/calendar-feed.server.ts";

/**
 * A private calendar subscription, fetched by calendar software without a
 * session: the secret in the URL is the only credential. Unknown or revoked
 * secrets get a plain 404 so that nothing tells them apart.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = (params.file ?? "").replace(/\.ics$/, "");
  const body = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await calendarForFeedToken(context.db, token, context.baseUrl) : null;
  if (body === null) {
    return new Response("Abonnement inconnu ou révoqué.", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response(body, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": 'inline; filename="tables-rondes.ics"',
      "cache-control": "private, no-store",
      "x-robots-tag": "noindex",
    },
  });
}
