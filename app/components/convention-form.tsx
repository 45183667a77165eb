import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { splitMethodLabels } from "../features/purchases/cost-split.ts";
import { conventionSchema, serviceLabels } from "../features/purchases/schemas.ts";
import { FieldError, FormErrors, SelectField, SubmitButton, TextField } from "./forms.tsx";

/** What the form shows of a convention being edited (strings, as typed), parties aligned with `organisations`. */
export interface ConventionFormValues {
  title?: string;
  service?: string;
  yearlyCost?: string;
  splitMethod?: string;
  cofinancerName?: string;
  cofinancing?: string;
  ratePerInhabitant?: string;
  startsOn?: string;
  renewsOn?: string;
  parties?: Array<{ organisationId?: string; caseload?: string; share?: string }>;
}

/**
 * The one convention form, to record a convention and to edit it later: same fields, same checks
 * (conventionSchema in the browser, then on the server), errors next to each field, input kept.
 */
export function ConventionForm({
  id,
  organisations,
  defaultValue,
  lastResult,
  submitLabel,
  intent,
}: {
  id: string;
  organisations: Array<{ id: string; name: string; population: string }>;
  defaultValue: ConventionFormValues;
  lastResult: SubmissionResult<string[]> | undefined;
  submitLabel: string;
  intent?: string;
}) {
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: conventionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const partyFields = fields.parties.getFieldList();
  return (
    <Form method="post" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <TextField field={fields.title} label="Intitulé" hint="Par exemple : Référent RSA partagé Villerupt – Thil – Hussigny" />
      <SelectField field={fields.service} label="Service partagé" options={Object.entries(serviceLabels).map(([value, label]) => ({ value, label }))} />
      <TextField field={fields.yearlyCost} label="Coût annuel (€)" hint="Avec un montant fixe par habitant, laissez vide : le coût est la somme des contributions." />
      <SelectField field={fields.splitMethod} label="Clé de répartition" options={Object.entries(splitMethodLabels).map(([value, label]) => ({ value, label }))} />
      <fieldset>
        <legend>Cofinancement (clé « part du reste à charge »)</legend>
        <TextField field={fields.cofinancerName} label="Cofinanceur" hint="Par exemple : Département de Meurthe-et-Moselle" />
        <TextField field={fields.cofinancing} label="Part cofinancée (%)" />
      </fieldset>
      <TextField
        field={fields.ratePerInhabitant}
        label="Montant par habitant et par an (€)"
        hint="Clé « montant fixe par habitant » : chaque CCAS verse ce montant × sa population, par exemple 3,60."
      />
      <TextField field={fields.startsOn} label="Début" type="date" />
      <TextField field={fields.renewsOn} label="Renouvellement" type="date" />
      <fieldset>
        <legend>Parties</legend>
        <p className="hint">
          Cochez les CCAS parties. Selon la clé : le nombre de suivis, le pourcentage du total, ou la part du reste à charge (laissez vide pour le
          CCAS qui paie le solde).
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
              {organisations.map((organisation, index) => {
                const prefix = `parties[${index}]`;
                const party = partyFields[index]?.getFieldset();
                return (
                  <tr key={organisation.id}>
                    <th scope="row">
                      <label>
                        <input type="checkbox" name={`${prefix}.organisationId`} value={organisation.id} defaultChecked={party?.organisationId.initialValue === organisation.id} />{" "}
                        {organisation.name}
                      </label>
                      <span className="muted"> ({organisation.population})</span>
                    </th>
                    <td data-label="Suivis">
                      <input name={`${prefix}.caseload`} aria-label={`Suivis — ${organisation.name}`} inputMode="numeric" defaultValue={party?.caseload.initialValue ?? ""} />
                      <FieldError id={`${form.id}-${prefix}.caseload-error`} errors={party?.caseload.errors} />
                    </td>
                    <td data-label="Part (%)">
                      <input name={`${prefix}.share`} aria-label={`Part (%) — ${organisation.name}`} inputMode="decimal" defaultValue={party?.share.initialValue ?? ""} />
                      <FieldError id={`${form.id}-${prefix}.share-error`} errors={party?.share.errors} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </fieldset>
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
