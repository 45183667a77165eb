import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition } from "../features/attachments/attachments.server.ts";
import { exportSection, parseExportFormat } from "../features/knowledge/export.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { uuidParam } from "../http/params.server.ts";

/** A whole section of the wiki as a zip of Markdown or HTML files. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const url = new URL(request.url);
  const format = parseExportFormat(url.searchParams.get("format"));
  if (!format) return new Response("Le format d'export demandé est inconnu : choisissez md (Markdown) ou html.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const file = await exportSection(context.db, actor, network.id, uuidParam(url.searchParams.get("section") ?? undefined), format);
  return new Response(file.body, {
    headers: { "Content-Type": "application/zip", "Content-Disposition": attachmentDisposition(file.fileName), "Cache-Control": "private, no-store" },
  });
}
