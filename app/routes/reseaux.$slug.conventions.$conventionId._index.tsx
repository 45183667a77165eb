import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { notFound } from "../features/auth/guards.server.ts";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { splitMethodLabels } from "../features/purchases/cost-split.ts";
import { findConventionInNetwork, renewConvention } from "../features/purchases/conventions.server.ts";
import { formatLocalDate } from "../features/purchases/dates.ts";
import { formatEuros } from "../features/purchases/money.ts";
import { renewConventionSchema, serviceLabels } from "../features/purchases/schemas.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Convention"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
  if (!convention) throw notFound();
  const myOrganisations = new Set(actor.memberships.map((membership) => membership.organisationId));
  return {
    slug: network.slug,
    id: convention.id,
    canManage: can(actor, { action: "convention.manage", networkId: network.id, partyOrganisationIds: convention.parties.map((party) => party.id) }),
    renewsOnValue: convention.renewsOn,
    yearlyCostValue: (convention.yearlyCostCents / 100).toFixed(2).replace(".", ","),
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

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
  if (!convention) throw notFound();
  const submission = parseWithZod(await readForm(request), { schema: renewConventionSchema });
  if (submission.status !== "success") return submission.reply();
  const outcome = await renewConvention(context.db, { actor, convention, renewsOn: submission.value.renewsOn, yearlyCostCents: submission.value.yearlyCost });
  if (!outcome.ok) return submission.reply({ fieldErrors: { [outcome.field ?? "renewsOn"]: [outcome.message] } });
  return submission.reply({ resetForm: true });
}

function RenewForm({ renewsOn, yearlyCost }: { renewsOn: string; yearlyCost: string }) {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "renouveler",
    lastResult,
    defaultValue: { yearlyCost, renewsOn },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: renewConventionSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <section className="card" aria-labelledby="renouveler-titre">
      <h2 id="renouveler-titre">Renouveler la convention</h2>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <TextField field={fields.yearlyCost} label="Coût annuel pour la nouvelle période (€)" />
        <TextField field={fields.renewsOn} label="Prochain renouvellement" type="date" />
        <SubmitButton>Enregistrer le renouvellement</SubmitButton>
      </Form>
    </section>
  );
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
      {data.canManage ? <RenewForm key={data.renewsOnValue} renewsOn={data.renewsOnValue} yearlyCost={data.yearlyCostValue} /> : null}
      <p className="muted">Les documents de la convention (pièces jointes) ne sont pas encore gérés dans Tablée.</p>
    </>
  );
}
