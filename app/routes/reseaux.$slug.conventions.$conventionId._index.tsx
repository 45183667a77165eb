import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { splitMethodLabels } from "../features/purchases/cost-split.ts";
import { findConventionInNetwork } from "../features/purchases/conventions.server.ts";
import { formatLocalDate } from "../features/purchases/dates.ts";
import { formatEuros } from "../features/purchases/money.ts";
import { serviceLabels } from "../features/purchases/schemas.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Convention"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
  if (!convention) throw notFound();
  const myOrganisations = new Set(actor.memberships.map((membership) => membership.organisationId));
  return {
    slug: network.slug,
    id: convention.id,
    title: convention.title,
    service: serviceLabels[convention.service] ?? convention.service,
    yearlyCost: formatEuros(convention.yearlyCostCents),
    method: splitMethodLabels[convention.splitMethod],
    startsOn: formatLocalDate(convention.startsOn),
    renewsOn: formatLocalDate(convention.renewsOn),
    cofinancerName: convention.cofinancerName,
    cofinancing: convention.split.cofinancingCents > 0 || convention.splitMethod === "residual" ? formatEuros(convention.split.cofinancingCents) : null,
    explanation: convention.split.explanation,
    shares: convention.split.shares.map((share) => ({ ...share, amount: formatEuros(share.cents), mine: myOrganisations.has(share.partyId) })),
  };
}

export default function Convention() {
  const data = useLoaderData<typeof loader>();
  const mine = data.shares.filter((share) => share.mine);
  return (
    <>
      <p>
        <Link to={`/reseaux/${data.slug}/conventions`}>← Toutes les conventions</Link>
      </p>
      <h1>{data.title}</h1>
      <dl className="details">
        <dt>Service</dt>
        <dd>{data.service}</dd>
        <dt>Coût annuel</dt>
        <dd>{data.yearlyCost}</dd>
        <dt>Clé de répartition</dt>
        <dd>{data.method}</dd>
        <dt>Début</dt>
        <dd>{data.startsOn}</dd>
        <dt>Renouvellement</dt>
        <dd>{data.renewsOn} (rappel aux directions des parties 60 jours avant)</dd>
      </dl>
      {mine.map((share) => (
        <p key={share.partyId} className="callout">
          Cette année, le {share.name} doit <strong>{share.amount}</strong>.
        </p>
      ))}
      <h2>Répartition du coût annuel</h2>
      <ul>
        {data.explanation.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <div className="table-wrap">
        <table className="responsive-table">
          <caption className="visually-hidden">Part de chaque partie</caption>
          <thead>
            <tr>
              <th scope="col">Partie</th>
              <th scope="col">Calcul</th>
              <th scope="col">Montant</th>
            </tr>
          </thead>
          <tbody>
            {data.cofinancing !== null ? (
              <tr>
                <th scope="row">{data.cofinancerName ?? "Cofinanceur"}</th>
                <td data-label="Calcul">cofinancement</td>
                <td data-label="Montant">{data.cofinancing}</td>
              </tr>
            ) : null}
            {data.shares.map((share) => (
              <tr key={share.partyId}>
                <th scope="row">{share.name}</th>
                <td data-label="Calcul">{share.formula}</td>
                <td data-label="Montant">{share.amount}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td data-label="Calcul" />
              <td data-label="Montant">{data.yearlyCost}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p>
        Télécharger la répartition : <a href={`/reseaux/${data.slug}/conventions/${data.id}/repartition/csv`}>CSV</a> ·{" "}
        <a href={`/reseaux/${data.slug}/conventions/${data.id}/repartition/xlsx`}>XLSX</a>
      </p>
      <p className="muted">Les documents de la convention (pièces jointes) ne sont pas encore gérés dans Tablée.</p>
    </>
  );
}
