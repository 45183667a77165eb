import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ContactList } from "../components/contact-list.tsx";
import { notFound } from "../features/auth/guards.server.ts";
import { can } from "../features/auth/permissions.ts";
import { roleLabels } from "../features/auth/roles.ts";
import { listKnowledge } from "../features/knowledge/read.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { getDirectoryEntry } from "../features/network/organisations.server.ts";
import { uuidParam } from "../http/params.server.ts";
import { organisationRoundTables } from "../features/roundtables/follow-up.server.ts";
import { formatDate, formatPopulation } from "../i18n/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organisation.name ?? "CCAS"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const entry = await getDirectoryEntry(context.db, network.id, uuidParam(params.organisationId));
  if (!entry) throw notFound();
  return {
    slug: network.slug,
    canEdit: can(actor, { action: "organisation.edit", networkId: network.id, organisationId: entry.id }),
    organisation: {
      id: entry.id,
      name: entry.name,
      kind: entry.kind,
      communeName: entry.communeName,
      inseeCode: entry.inseeCode,
      departmentCode: entry.departmentCode,
      postalCodes: entry.postalCodes,
      population: formatPopulation(entry.population, entry.populationYear),
      address: entry.address,
      phone: entry.phone,
      email: entry.email,
    },
    contacts: entry.contacts,
    practiceNotes: (await listKnowledge(context.db, actor, network.id, "practice", { organisationId: entry.id })).map((note) => ({
      id: note.id,
      title: note.title,
      draft: note.visibility === "organisation",
    })),
    roundTables: await organisationRoundTables(context.db, entry.id).then(({ hosted, openActions }) => ({
      hosted: hosted.map((meeting) => ({
        id: meeting.id,
        date: formatDate(meeting.startsAt),
        theme: meeting.hostTheme,
        past: meeting.startsAt < new Date(),
      })),
      openActions: openActions.map((action) => ({ ...action, dueOn: formatDate(new Date(`${action.dueOn}T12:00:00Z`)) })),
    })),
  };
}

export default function OrganisationPage() {
  const { slug, canEdit, organisation, contacts, roundTables, practiceNotes } = useLoaderData<typeof loader>();
  const leaders = contacts.filter((contact) => contact.role === "director" || contact.role === "elected");
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${slug}/annuaire`}>Annuaire</Link>
          </li>
          <li aria-current="page">{organisation.name}</li>
        </ol>
      </nav>
      <h1>{organisation.name}</h1>
      <div className="grid">
        <section className="card" aria-labelledby="coordonnees">
          <h2 id="coordonnees">Coordonnées</h2>
          <dl className="details">
            <dt>Commune</dt>
            <dd>
              {organisation.communeName} ({organisation.postalCodes.join(", ")}) — code INSEE {organisation.inseeCode}
            </dd>
            <dt>Population</dt>
            <dd>{organisation.population}</dd>
            <dt>Type</dt>
            <dd>{organisation.kind === "cias" ? "CIAS" : "CCAS"}</dd>
            <dt>Adresse</dt>
            <dd>{organisation.address ?? "non renseignée"}</dd>
            <dt>Téléphone</dt>
            <dd>{organisation.phone ?? "non renseigné"}</dd>
            <dt>E-mail</dt>
            <dd>{organisation.email ? <a href={`mailto:${organisation.email}`}>{organisation.email}</a> : "non renseigné"}</dd>
          </dl>
          {canEdit ? (
            <p className="actions">
              <Link className="button button--secondary" to="modifier">
                Modifier les coordonnées
              </Link>
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="contacts">
          <h2 id="contacts">Direction et élus</h2>
          {leaders.length ? <ContactList contacts={leaders} /> : <p className="muted">Aucune direction ni élu inscrit.</p>}
        </section>
      </div>
      <section className="card" aria-labelledby="tables-rondes">
        <h2 id="tables-rondes">Tables rondes</h2>
        {roundTables.hosted.length === 0 ? (
          <p className="muted">{organisation.communeName} n'a pas encore accueilli de table ronde sur Tablée.</p>
        ) : (
          <ul className="contact-list">
            {roundTables.hosted.map((meeting) => (
              <li key={meeting.id}>
                <Link to={`/reseaux/${slug}/tables-rondes/${meeting.id}`}>
                  {organisation.communeName} {meeting.past ? "a accueilli" : "accueillera"} la table ronde du {meeting.date}
                </Link>
                {meeting.theme ? ` : ${meeting.theme}` : ""}
              </li>
            ))}
          </ul>
        )}
        {roundTables.openActions.length > 0 ? (
          <>
            <h3>Actions de suivi en cours</h3>
            <ul className="contact-list">
              {roundTables.openActions.map((action) => (
                <li key={action.id}>
                  <Link to={`/reseaux/${slug}/tables-rondes/${action.meetingId}`}>{action.title}</Link> — échéance le {action.dueOn}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="fiches-pratiques">
        <h2 id="fiches-pratiques">Fiches pratiques</h2>
        {practiceNotes.length === 0 ? (
          <p className="muted">Ce CCAS n'a pas encore partagé de fiche pratique.</p>
        ) : (
          <ul>
            {practiceNotes.map((note) => (
              <li key={note.id}>
                <Link to={`/reseaux/${slug}/fiches/${note.id}`}>{note.title}</Link>
                {note.draft ? <span className="badge"> brouillon</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <h2>Membres inscrits</h2>
      {contacts.length === 0 ? (
        <p className="muted">Personne de ce CCAS n'est encore inscrit sur Tablée.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Membres inscrits du {organisation.name}</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Rôle</th>
                <th scope="col">Fonction</th>
              </tr>
            </thead>
            <tbody>
              {contacts.map((contact) => (
                <tr key={contact.userId}>
                  <th scope="row">{contact.name}</th>
                  <td>{roleLabels[contact.role]}</td>
                  <td>{contact.jobTitle ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
