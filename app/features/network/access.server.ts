import type { AppLoadContext } from "@remix-run/node";
import type { Network } from "../../../db/schema.ts";
import { notFound, requireActor } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { findNetworkBySlug } from "./networks.server.ts";

const SLUG = /^[a-z0-9-]{1,200}$/;

export interface NetworkAccess {
  network: Network;
  actor: Actor;
}

/**
 * The network named in the URL, for one of its members. Anyone else gets the
 * same 404 as for a network that does not exist: not even its name leaks.
 */
export async function requireNetworkMember(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
): Promise<NetworkAccess> {
  const actor = await requireActor(context, request);
  // Slugs are lowercase words and hyphens (slugify): anything else (a NUL byte PostgreSQL refuses…) is not one.
  const network = slug && SLUG.test(slug) ? await findNetworkBySlug(context.db, slug) : undefined;
  if (!network || !can(actor, { action: "network.view", networkId: network.id })) throw notFound();
  return { network, actor };
}
