import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { notFound, requireActor } from "../features/auth/guards.server.ts";
import { can } from "../features/auth/permissions.ts";
import { findDocument } from "../features/documents/documents.server.ts";
import { findNetworkById } from "../features/network/networks.server.ts";
import { uuidParam } from "../http/params.server.ts";

/** Where a mention of a document leads: its page in its network, for those who may read it. */
const pathByKind: Record<string, string> = { note: "notes", wiki: "veille", practice: "fiches" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request);
  const document = await findDocument(context.db, uuidParam(params.documentId));
  if (!document || !can(actor, { action: "document.read", ...document }) || !pathByKind[document.kind]) throw notFound();
  const network = await findNetworkById(context.db, document.networkId);
  if (!network) throw notFound();
  throw redirect(`/reseaux/${network.slug}/${pathByKind[document.kind]}/${document.id}`);
}
