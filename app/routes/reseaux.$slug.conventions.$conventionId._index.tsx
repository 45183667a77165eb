import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Attachments } from "../components/attachments.tsx";
import { ConventionForm } from "../components/convention-form.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { listAttachments, MAX_ATTACHMENT_BYTES } from "../features/attachments/attachments.server.ts";
import { attachmentViews, attachUpload, deleteFromForm, type AttachmentResult } from "../features/attachments/forms.server.ts";
import { authorize, notFound, requireSession } from "../features/auth/guards.server.ts";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { splitMethodLabels } from "../features/purchases/cost-split.ts";
import {
  conventionFormField,
  conventionFormOrganisations,
  conventionFormValues,
  findConventionInNetwork,
  renewConvention,
  updateConvention,
} from "../features/purchases/conventions.server.ts";
import { formatLocalDate } from "../features/purchases/dates.ts";
import { centsToDecimalComma, formatEuros } from "../features/purchases/money.ts";
import { conventionInput, conventionSchema, renewConventionSchema, serviceLabels } from "../features/purchases/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { isMultipart, readUpload } from "../http/uploads.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Convention"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
  if (!convention) throw notFound();
  const myOrganisations = new Set(actor.memberships.map((membership) => membership.organisationId));
  const canManage = can(actor, { action: "convention.manage", networkId: network.id, partyOrganisationIds: convention.parties.map((party) => party.id) });
  const organisations = canManage ? await conventionFormOrganisations(context.db, network.id) : [];
  return {
    slug: network.slug,
    id: convention.id,
    canManage,
    perInhabitant: convention.splitMethod === "per_inhabitant",
    renewsOnValue: convention.renewsOn,
    yearlyCostValue: centsToDecimalComma(convention.yearlyCostCents),
    title: convention.title,
    service: serviceLabels[convention.service] ?? convention.service,
    yearlyCost: formatEuros(convention.yearlyCostCents),
    method: splitMethodLabels[convention.splitMethod],
    rate: convention.ratePerInhabitantCents === null ? null : formatEuros(convention.ratePerInhabitantCents),
    startsOn: formatLocalDate(convention.startsOn),
    renewsOn: formatLocalDate(convention.renewsOn),
    cofinancerName: convention.cofinancerName,
    cofinancing: convention.split.cofinancingCents > 0 || convention.splitMethod === "residual" ? formatEuros(convention.split.cofinancingCents) : null,
    explanation: convention.split.explanation,
    total: formatEuros(convention.split.totalCents),
    shares: convention.split.shares.map((share) => ({ ...share, amount: formatEuros(share.cents), mine: myOrganisations.has(share.partyId) })),
    organisations,
    formValues: canManage ? conventionFormValues(convention, organisations) : null,
    documents: attachmentViews(await listAttachments(context.db, "convention", [convention.id])),
  };
}

type Intent = "renew" | "edit" | "attach" | "delete-attachment";
type ActionResult = { intent: Intent; result?: SubmissionResult<string[]>; attachment?: AttachmentResult };

export async function action({ request, params, context }: ActionFunctionArgs): Promise<ActionResult> {
  if (isMultipart(request)) {
    // The upload is read (within its limit) before answering a refusal: a reply sent mid-upload resets the connection.
    requireSession(context, request);
    const upload = await readUpload(request, MAX_ATTACHMENT_BYTES);
    const { network, actor } = await requireNetworkMember(context, request, params.slug);
    const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
    if (!convention) throw notFound();
    const attachment = await attachUpload(context.db, context.uploadDir, actor, { upload, networkId: network.id, owner: () => ({ kind: "convention", id: convention.id }) });
    return { intent: "attach", attachment };
  }
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
  if (!convention) throw notFound();
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "renew");
  if (intent === "delete-attachment") {
    const attachment = await deleteFromForm(context.db, context.uploadDir, actor, formData, { networkId: network.id, ownerKind: "convention", ownerIds: [convention.id] });
    return { intent, attachment };
  }
  if (intent !== "renew" && intent !== "edit") throw new Response("Action inconnue.", { status: 400 });
  // Renewing and editing are for who may manage the convention as it stands: refused before the input is judged.
  authorize(actor, { action: "convention.manage", networkId: network.id, partyOrganisationIds: convention.parties.map((party) => party.id) });
  if (intent === "edit") {
    const submission = parseWithZod(formData, { schema: conventionSchema });
    if (submission.status !== "success") return { intent, result: submission.reply() };
    const outcome = await updateConvention(context.db, { actor, convention, changes: conventionInput(submission.value) });
    if (!outcome.ok) {
      return {
        intent,
        result: outcome.field ? submission.reply({ fieldErrors: { [conventionFormField(outcome.field)]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] }),
      };
    }
    return { intent, result: submission.reply() };
  }
  const submission = parseWithZod(formData, { schema: renewConventionSchema });
  if (submission.status !== "success") return { intent, result: submission.reply() };
  const outcome = await renewConvention(context.db, { actor, convention, renewsOn: submission.value.renewsOn, yearlyCostCents: submission.value.yearlyCost });
  if (!outcome.ok) return { intent, result: submission.reply({ fieldErrors: { [outcome.field ?? "renewsOn"]: [outcome.message] } }) };
  return { intent, result: submission.reply({ resetForm: true }) };
}

function useIntentResult(intent: Intent) {
  const data = useActionData<typeof action>();
  return data?.intent === intent ? data.result : undefined;
}

function RenewForm({ renewsOn, yearlyCost, perInhabitant }: { renewsOn: string; yearlyCost: string; perInhabitant: boolean }) {
  const [form, fields] = useForm({
    id: "renouveler",
    lastResult: useIntentResult("renew"),
    defaultValue: { yearlyCost, renewsOn },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: renewConventionSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <section className="card" aria-labelledby="renouveler-titre">
      <h2 id="renouveler-titre">Renouveler la convention</h2>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="renew" />
        {perInhabitant ? (
          <p className="hint">Le coût annuel suit le montant par habitant : modifiez la convention pour le changer.</p>
        ) : (
          <TextField field={fields.yearlyCost} label="Coût annuel pour la nouvelle période (€)" />
        )}
        <TextField field={fields.renewsOn} label="Prochain renouvellement" type="date" />
        <SubmitButton>Enregistrer le renouvellement</SubmitButton>
      </Form>
    </section>
  );
}

function EditConvention({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const lastResult = useIntentResult("edit");
  const failed = lastResult?.status === "error";
  const saved = lastResult !== undefined && !failed;
  return (
    <section className="card" aria-labelledby="modifier-titre">
      <h2 id="modifier-titre">Modifier la convention</h2>
      <details open={failed || undefined}>
        <summary>Modifier les parties, le service, le coût, la clé ou les dates</summary>
        <ConventionForm
          key={JSON.stringify(data.formValues)}
          id="modifier-convention"
          intent="edit"
          organisations={data.organisations}
          defaultValue={data.formValues ?? {}}
          lastResult={lastResult}
          submitLabel="Enregistrer les modifications"
        />
      </details>
      {saved ? (
        <p className="notice" role="status">
          Modifications enregistrées.
        </p>
      ) : null}
    </section>
  );
}

export default function Convention() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
        <dd>
          {data.method}
          {data.rate ? ` : ${data.rate} par habitant et par an` : ""}
        </dd>
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
              <td data-label="Montant">{data.total}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p>
        Télécharger la répartition : <a href={`/reseaux/${data.slug}/conventions/${data.id}/repartition/csv`}>CSV</a> ·{" "}
        <a href={`/reseaux/${data.slug}/conventions/${data.id}/repartition/xlsx`}>XLSX</a>
      </p>
      <Attachments
        slug={data.slug}
        ownerId={data.id}
        attachments={data.documents}
        canWrite={data.canManage}
        result={actionData?.attachment}
        title="Documents de la convention"
        addLabel="Ajouter un document"
      />
      {data.canManage ? <RenewForm key={data.renewsOnValue} renewsOn={data.renewsOnValue} yearlyCost={data.yearlyCostValue} perInhabitant={data.perInhabitant} /> : null}
      {data.canManage ? <EditConvention data={data} /> : null}
    </>
  );
}
