import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition } from "../features/attachments/attachments.server.ts";
import { exportDocument, parseExportFormat } from "../features/knowledge/export.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { uuidParam } from "../http/params.server.ts";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const format = parseExportFormat(new URL(request.url).searchParams.get("format"));
  if (!format) return new Response("Le format d'export demandé est inconnu : choisissez md (Markdown) ou html.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const file = await exportDocument(context.db, actor, network.id, uuidParam(params.documentId), "practice", format);
  return new Response(file.body, {
    headers: { "Content-Type": file.contentType, "Content-Disposition": attachmentDisposition(file.fileName), "Cache-Control": "private, no-store" },
  });
}
