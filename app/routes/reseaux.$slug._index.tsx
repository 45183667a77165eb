import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { isCoordinatorOf } from "../features/auth/permissions.ts";
import { roleLabels } from "../features/auth/roles.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { networkOverview } from "../features/network/overview.server.ts";
import { absTracker } from "../features/purchases/abs.server.ts";
import { todayIn } from "../features/purchases/dates.ts";
import { formatInteger } from "../i18n/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.network.name ?? "Réseau"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const overview = await networkOverview(context.db, network.id, actor.userId);
  const lateAbs = (await absTracker(context.db, network.id, todayIn(network.timeZone))).filter((row) => row.late).map((row) => row.name);
  return {
    lateAbs,
    network: { name: network.name, slug: network.slug, cadenceMonths: network.cadenceMonths },
    overview,
    isCoordinator: isCoordinatorOf(actor, network.id),
  };
}

export default function NetworkHome() {
  const { network, overview, isCoordinator, lateAbs } = useLoaderData<typeof loader>();
  const base = `/reseaux/${network.slug}`;
  return (
    <>
      <h1>{network.name}</h1>
      <div className="grid">
        <section className="card" aria-labelledby="chiffres">
          <h2 id="chiffres">Le réseau</h2>
          <dl className="details">
            <dt>CCAS membres</dt>
            <dd>{overview.organisationCount}</dd>
            <dt>Habitants couverts</dt>
            <dd>
              {formatInteger(overview.population)}
              {overview.populationYear ? ` (population municipale ${overview.populationYear})` : ""}
            </dd>
            <dt>Personnes inscrites</dt>
            <dd>{overview.activeMemberCount}</dd>
            <dt>Rythme des rencontres</dt>
            <dd>{network.cadenceMonths === 3 ? "une table ronde par trimestre" : `tous les ${network.cadenceMonths} mois`}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="mon-ccas">
          <h2 id="mon-ccas">Mon CCAS</h2>
          <ul className="contact-list">
            {overview.myMemberships.map((membership) => (
              <li key={membership.organisationId}>
                <Link to={`${base}/annuaire/${membership.organisationId}`}>{membership.organisationName}</Link> —{" "}
                {roleLabels[membership.role]}
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="abs-2027">
          <h2 id="abs-2027">ABS 2027</h2>
          <p>
            {lateAbs.length === 0
              ? "Aucun CCAS n'est en retard pour son analyse des besoins sociaux."
              : `En retard pour leur analyse des besoins sociaux : ${lateAbs.join(", ")}.`}
          </p>
          <p>
            <Link to={`${base}/abs`}>Suivi des ABS 2027</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="raccourcis">
          <h2 id="raccourcis">Pour commencer</h2>
          <ul>
            <li>
              <Link to={`${base}/annuaire`}>Trouver un contact dans l'annuaire</Link>
            </li>
            <li>
              <Link to="/profil">Compléter mon profil (fonction, téléphone)</Link>
            </li>
            {isCoordinator ? (
              <>
                <li>
                  <Link to={`${base}/membres`}>Inviter les directions et les élus des CCAS</Link>
                </li>
                <li>
                  <Link to={`${base}/annuaire/ajouter`}>Ajouter un CCAS au réseau</Link>
                </li>
              </>
            ) : null}
          </ul>
        </section>
      </div>
    </>
  );
}
