import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { listDirectory } from "../features/network/organisations.server.ts";
import { ContactList } from "../components/contact-list.tsx";
import { formatPopulation } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Annuaire des CCAS — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const directory = await listDirectory(context.db, network.id);
  return {
    slug: network.slug,
    canAdd: can(actor, { action: "organisation.create", networkId: network.id }),
    entries: directory.map((entry) => ({
      id: entry.id,
      name: entry.name,
      communeName: entry.communeName,
      inseeCode: entry.inseeCode,
      postalCodes: entry.postalCodes,
      population: formatPopulation(entry.population, entry.populationYear),
      address: entry.address,
      contacts: entry.contacts.filter((contact) => contact.role === "director" || contact.role === "elected"),
    })),
  };
}

export default function Directory() {
  const { slug, canAdd, entries } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Annuaire des CCAS</h1>
      {canAdd ? (
        <p>
          <Link className="button" to={`/reseaux/${slug}/annuaire/ajouter`}>
            Ajouter un CCAS
          </Link>
        </p>
      ) : null}
      {entries.length === 0 ? (
        <div className="empty-state">
          <h2>Aucun CCAS dans ce réseau</h2>
          <p>La coordination du réseau ajoute les CCAS membres en cherchant leur commune.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="responsive-table">
            <caption>{entries.length} CCAS membres du réseau</caption>
            <thead>
              <tr>
                <th scope="col">CCAS</th>
                <th scope="col">Population</th>
                <th scope="col">Adresse</th>
                <th scope="col">Contacts</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <th scope="row">
                    <Link to={entry.id}>{entry.name}</Link>
                    <br />
                    <span className="muted">
                      {entry.postalCodes.join(", ")} {entry.communeName}
                    </span>
                  </th>
                  <td data-label="Population">{entry.population}</td>
                  <td data-label="Adresse">{entry.address ?? <span className="muted">non renseignée</span>}</td>
                  <td data-label="Contacts">
                    {entry.contacts.length ? <ContactList contacts={entry.contacts} /> : <span className="muted">aucun contact inscrit</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
