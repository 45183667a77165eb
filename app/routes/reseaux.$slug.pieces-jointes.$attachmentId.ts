import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition, readAttachment } from "../features/attachments/attachments.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { uuidParam } from "../http/params.server.ts";

/** An attachment (of a page, a note, an offer or a convention), downloaded, never displayed inline, by someone who may read its owner. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const file = await readAttachment(context.db, context.uploadDir, actor, network.id, uuidParam(params.attachmentId));
  return new Response(file.bytes, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.bytes.byteLength),
      "Content-Disposition": attachmentDisposition(file.fileName),
      // X-Content-Type-Options: nosniff comes from helmet on every response.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
