import type { AppLoadContext } from "@remix-run/node";
import { authorize, notFound } from "../auth/guards.server.ts";
import { can } from "../auth/permissions.ts";
import { requireNetworkMember } from "../network/access.server.ts";
import { findDocument, type DocumentRecord } from "./documents.server.ts";

/**
 * A document of the network in the URL that the signed-in member may read.
 * A document of another network, or one they may not read, is a 404.
 */
export async function requireReadableDocument(context: AppLoadContext, request: Request, slug: string | undefined, documentId: string) {
  const access = await requireNetworkMember(context, request, slug);
  const document = await findDocument(context.db, documentId);
  if (!document || document.networkId !== access.network.id || !can(access.actor, { action: "document.read", ...document })) {
    throw notFound();
  }
  return { ...access, document, canWrite: can(access.actor, { action: "document.write", ...document }) };
}

export function requireWritable(access: Awaited<ReturnType<typeof requireReadableDocument>>): void {
  authorize(access.actor, { action: "document.write", ...access.document });
}

export type { DocumentRecord };
