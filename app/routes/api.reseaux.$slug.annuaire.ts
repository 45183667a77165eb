import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiSession } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { listDirectory } from "../features/network/organisations.server.ts";

/** The directory as JSON, for members of the network only (same rule as the page). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireApiSession(context);
  const { network } = await requireNetworkMember(context, request, params.slug);
  const directory = await listDirectory(context.db, network.id);
  return Response.json({
    network: { slug: network.slug, name: network.name },
    organisations: directory.map((entry) => ({
      id: entry.id,
      name: entry.name,
      kind: entry.kind,
      inseeCode: entry.inseeCode,
      communeName: entry.communeName,
      postalCodes: entry.postalCodes,
      population: entry.population,
      populationYear: entry.populationYear,
      address: entry.address,
      contacts: entry.contacts.map(({ name, email, phone, jobTitle, role }) => ({ name, email, phone, jobTitle, role })),
    })),
  });
}
