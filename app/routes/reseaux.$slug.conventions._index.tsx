import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FieldError, FormErrors, SelectField, SubmitButton, TextField } from "../components/forms.tsx";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { splitMethodLabels } from "../features/purchases/cost-split.ts";
import { formatLocalDate } from "../features/purchases/dates.ts";
import { createConvention, listConventions } from "../features/purchases/conventions.server.ts";
import { formatEuros } from "../features/purchases/money.ts";
import { conventionSchema, serviceLabels } from "../features/purchases/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { formatPopulation } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Conventions de mutualisation — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const conventions = await listConventions(context.db, network.id);
  const organisations = await context.db
    .selectFrom("organisations")
    .where("networkId", "=", network.id)
    .select(["id", "name", "population", "populationYear"])
    .orderBy("name")
    .execute();
  // Coordinators, or directors for conventions their CCAS is party to.
  const canCreate = organisations.some((organisation) => can(actor, { action: "convention.manage", networkId: network.id, partyOrganisationIds: [organisation.id] }));
  return {
    slug: network.slug,
    canCreate,
    organisations: organisations.map((organisation) => ({ id: organisation.id, name: organisation.name, population: formatPopulation(organisation.population, organisation.populationYear) })),
    conventions: conventions.map((convention) => ({
      id: convention.id,
      title: convention.title,
      service: serviceLabels[convention.service] ?? convention.service,
      yearlyCost: formatEuros(Number(convention.yearlyCostCents)),
      method: splitMethodLabels[convention.splitMethod],
      renewsOn: formatLocalDate(convention.renewsOn),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const submission = parseWithZod(await readForm(request), { schema: conventionSchema });
  if (submission.status !== "success") return submission.reply();
  const value = submission.value;
  const outcome = await createConvention(context.db, {
    actor,
    networkId: network.id,
    convention: {
      title: value.title,
      service: value.service,
      yearlyCostCents: value.yearlyCost,
      splitMethod: value.splitMethod,
      cofinancerName: value.splitMethod === "residual" ? value.cofinancerName : null,
      cofinancingBasisPoints: value.cofinancingBasisPoints,
      startsOn: value.startsOn,
      renewsOn: value.renewsOn,
      parties: value.parties,
    },
  });
  if (!outcome.ok) {
    return outcome.field ? submission.reply({ fieldErrors: { [outcome.field === "cofinancingBasisPoints" ? "cofinancing" : outcome.field]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] });
  }
  throw redirect(`/reseaux/${network.slug}/conventions/${outcome.conventionId}`);
}

export default function Conventions() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "creer-convention",
    lastResult,
    defaultValue: { splitMethod: "equal", service: "rsa_referent" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: conventionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const partyFields = fields.parties.getFieldList();
  return (
    <>
      <h1>Conventions de mutualisation</h1>
      <p>
        Une convention lie des CCAS autour d'un service ou d'un poste partagé : qui y participe, le coût annuel, le cofinancement et la clé de
        répartition. Chaque partie voit ce qu'elle doit cette année ; ses directions sont prévenues 60 jours avant le renouvellement.
      </p>
      <p>
        <Link to={`/reseaux/${data.slug}/achats`}>← Achats groupés</Link>
      </p>
      {data.conventions.length === 0 ? (
        <p className="muted">Aucune convention n'est enregistrée dans ce réseau.</p>
      ) : (
        <ul className="card-list">
          {data.conventions.map((convention) => (
            <li key={convention.id}>
              <Link to={convention.id}>{convention.title}</Link> — {convention.service}, {convention.yearlyCost} par an, {convention.method.toLowerCase()}, renouvellement le{" "}
              {convention.renewsOn}
            </li>
          ))}
        </ul>
      )}

      {data.canCreate ? (
        <section className="card" aria-labelledby="nouvelle-convention">
          <h2 id="nouvelle-convention">Enregistrer une convention</h2>
          <Form method="post" {...getFormProps(form)}>
            <FormErrors id={form.errorId} errors={form.errors} />
            <TextField field={fields.title} label="Intitulé" hint="Par exemple : Référent RSA partagé Villerupt – Thil – Hussigny" />
            <SelectField field={fields.service} label="Service partagé" options={Object.entries(serviceLabels).map(([value, label]) => ({ value, label }))} />
            <TextField field={fields.yearlyCost} label="Coût annuel (€)" />
            <SelectField
              field={fields.splitMethod}
              label="Clé de répartition"
              options={Object.entries(splitMethodLabels).map(([value, label]) => ({ value, label }))}
            />
            <fieldset>
              <legend>Cofinancement (clé « part du reste à charge »)</legend>
              <TextField field={fields.cofinancerName} label="Cofinanceur" hint="Par exemple : Département de Meurthe-et-Moselle" />
              <TextField field={fields.cofinancing} label="Part cofinancée (%)" />
            </fieldset>
            <TextField field={fields.startsOn} label="Début" type="date" />
            <TextField field={fields.renewsOn} label="Renouvellement" type="date" />
            <fieldset>
              <legend>Parties</legend>
              <p className="hint">
                Cochez les CCAS parties. Selon la clé : le nombre de suivis, le pourcentage du total, ou la part du reste à charge (laissez vide
                pour le CCAS qui paie le solde).
              </p>
              <FieldError id={fields.parties.errorId} errors={fields.parties.errors} />
              <div className="table-wrap">
                <table className="responsive-table">
                  <caption className="visually-hidden">Parties à la convention</caption>
                  <thead>
                    <tr>
                      <th scope="col">CCAS</th>
                      <th scope="col">Suivis</th>
                      <th scope="col">Part (%)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.organisations.map((organisation, index) => {
                      const prefix = `parties[${index}]`;
                      const errors = partyFields[index]?.getFieldset();
                      return (
                        <tr key={organisation.id}>
                          <th scope="row">
                            <label>
                              <input type="checkbox" name={`${prefix}.organisationId`} value={organisation.id} defaultChecked={errors?.organisationId.initialValue === organisation.id} />{" "}
                              {organisation.name}
                            </label>
                            <span className="muted"> ({organisation.population})</span>
                          </th>
                          <td data-label="Suivis">
                            <input name={`${prefix}.caseload`} aria-label={`Suivis — ${organisation.name}`} inputMode="numeric" defaultValue={errors?.caseload.initialValue ?? ""} />
                            <FieldError id={`${form.id}-${prefix}.caseload-error`} errors={errors?.caseload.errors} />
                          </td>
                          <td data-label="Part (%)">
                            <input name={`${prefix}.share`} aria-label={`Part (%) — ${organisation.name}`} inputMode="decimal" defaultValue={errors?.share.initialValue ?? ""} />
                            <FieldError id={`${form.id}-${prefix}.share-error`} errors={errors?.share.errors} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </fieldset>
            <SubmitButton>Enregistrer la convention</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
