import type { AppLoadContext } from "@remix-run/node";
import type { Network } from "../../../db/schema.ts";
import { notFound, requireActor } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { findNetworkBySlug } from "./networks.server.ts";

const SLUG = /^[a-z0-9-]{1,200}$/;

// The network layout and the page below it both look the network up: once per read request.
const networksOfReads = new WeakMap<AppLoadContext, Map<string, Promise<Network | undefined>>>();

function networkForRequest(context: AppLoadContext, request: Request, slug: string): Promise<Network | undefined> {
  if (request.method !== "GET") return findNetworkBySlug(context.db, slug);
  let bySlug = networksOfReads.get(context);
  if (!bySlug) networksOfReads.set(context, (bySlug = new Map()));
  let network = bySlug.get(slug);
  if (!network) bySlug.set(slug, (network = findNetworkBySlug(context.db, slug)));
  return network;
}

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
  const network = slug && SLUG.test(slug) ? await networkForRequest(context, request, slug) : undefined;
  if (!network || !can(actor, { action: "network.view", networkId: network.id })) throw notFound();
  return { network, actor };
}
