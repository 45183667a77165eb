import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, SubmitButton, TextField } from "../components/forms.tsx";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { ABS_DEADLINE, absStatusLabels, expectedStep } from "../features/purchases/abs.ts";
import { absTracker, updateAbsStatus } from "../features/purchases/abs.server.ts";
import { formatLocalDate, todayIn } from "../features/purchases/dates.ts";
import { listPurchases } from "../features/purchases/purchases.server.ts";
import { absSchema } from "../features/purchases/schemas.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "ABS 2027 — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const today = todayIn(network.timeZone);
  const rows = await absTracker(context.db, network.id, today);
  const purchases = await listPurchases(context.db, network.id);
  return {
    slug: network.slug,
    deadline: formatLocalDate(ABS_DEADLINE),
    expected: absStatusLabels[expectedStep(today)],
    rows: rows.map((row) => ({ ...row, statusLabel: absStatusLabels[row.status], presentedOnLabel: formatLocalDate(row.presentedOn) })),
    late: rows.filter((row) => row.late).map((row) => row.name),
    editable: rows
      .filter((row) => can(actor, { action: "abs.update", networkId: network.id, organisationId: row.organisationId }))
      .map((row) => ({ value: row.organisationId, label: row.name })),
    purchases: purchases.map((purchase) => ({ value: purchase.id, label: purchase.subject })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const submission = parseWithZod(await readForm(request), { schema: absSchema });
  if (submission.status !== "success") return submission.reply();
  const outcome = await updateAbsStatus(context.db, { actor, networkId: network.id, today: todayIn(network.timeZone), ...submission.value });
  if (!outcome.ok) {
    return outcome.field ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] });
  }
  return submission.reply({ resetForm: true });
}

export default function AbsTracker() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "abs",
    lastResult,
    defaultValue: { organisationId: data.editable.length === 1 ? data.editable[0]!.value : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: absSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <>
      <p>
        <Link to={`/reseaux/${data.slug}/achats`}>← Achats groupés</Link>
      </p>
      <h1>Analyses des besoins sociaux 2027</h1>
      <p>
        Chaque CCAS présente son ABS à son conseil d'administration pendant l'année qui suit le renouvellement des conseils municipaux
        (article R123-1 du CASF) : au plus tard le {data.deadline}. À cette date, l'étape attendue est : {data.expected.toLowerCase()}.
      </p>
      {data.late.length > 0 ? (
        <div className="callout callout--warning" role="status">
          <p>
            <strong>En retard ({data.late.length}) :</strong> {data.late.join(", ")}.
          </p>
        </div>
      ) : (
        <p className="callout">Aucun CCAS n'est en retard à ce jour.</p>
      )}
      <div className="table-wrap">
        <table className="responsive-table">
          <caption className="visually-hidden">État de l'ABS de chaque CCAS</caption>
          <thead>
            <tr>
              <th scope="col">CCAS</th>
              <th scope="col">État</th>
              <th scope="col">Achat groupé</th>
              <th scope="col">Retard</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <tr key={row.organisationId}>
                <th scope="row">{row.name}</th>
                <td data-label="État">
                  {row.statusLabel}
                  {row.presentedOnLabel ? ` le ${row.presentedOnLabel}` : ""}
                </td>
                <td data-label="Achat groupé">
                  {row.groupPurchaseId ? <Link to={`/reseaux/${data.slug}/achats/${row.groupPurchaseId}`}>{row.groupPurchaseSubject}</Link> : "—"}
                </td>
                <td data-label="Retard">{row.late ? "en retard" : "non"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.editable.length > 0 ? (
        <section className="card" aria-labelledby="abs-maj">
          <h2 id="abs-maj">Mettre à jour l'état d'une ABS</h2>
          <Form method="post" {...getFormProps(form)}>
            <FormErrors id={form.errorId} errors={form.errors} />
            <SelectField field={fields.organisationId} label="CCAS" placeholder="Choisissez un CCAS" options={data.editable} />
            <SelectField field={fields.status} label="État" placeholder="Choisissez" options={Object.entries(absStatusLabels).map(([value, label]) => ({ value, label }))} />
            <TextField field={fields.presentedOn} label="Date de présentation au conseil d'administration" type="date" />
            <SelectField field={fields.groupPurchaseId} label="Achat groupé (facultatif)" placeholder="Aucun" options={data.purchases} />
            <SubmitButton>Enregistrer</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
