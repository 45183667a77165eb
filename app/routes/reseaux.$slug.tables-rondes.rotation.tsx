import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, SubmitButton, TextField } from "../components/forms.tsx";
import { authorize } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import {
  addRotationException,
  removeRotationException,
  rotationSettings,
  saveRotationPreference,
} from "../features/roundtables/rotation.server.ts";
import { rotationExceptionSchema, rotationPreferenceSchema } from "../features/roundtables/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { formatDate } from "../i18n/format.ts";
import { z } from "zod";

export const meta: MetaFunction = () => [{ title: "Réglages de la rotation — Tablée" }];

async function coordinatorAccess(args: LoaderFunctionArgs) {
  const access = await requireNetworkMember(args.context, args.request, args.params.slug);
  authorize(access.actor, { action: "roundtable.plan", networkId: access.network.id });
  return access;
}

const localDay = (value: string) => formatDate(new Date(`${value}T12:00:00Z`));

export async function loader(args: LoaderFunctionArgs) {
  const { network } = await coordinatorAccess(args);
  const rows = await rotationSettings(args.context.db, network.id);
  return {
    slug: network.slug,
    rows: rows.map((row) => ({
      ...row,
      lastHostedAt: row.lastHostedAt ? formatDate(row.lastHostedAt) : null,
      exceptions: row.exceptions.map((exception) => ({ ...exception, label: `du ${localDay(exception.from)} au ${localDay(exception.to)}` })),
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const { network, actor } = await coordinatorAccess(args);
  const formData = await readForm(args.request);
  const intent = formData.get("intent");
  const { db } = args.context;
  if (intent === "preference") {
    const parsed = rotationPreferenceSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "notice", ok: false, message: parsed.error.issues[0]?.message ?? "Réglage invalide." } as const;
    const outcome = await saveRotationPreference(db, { actor, networkId: network.id, ...parsed.data });
    return { kind: "notice", ok: outcome.ok, message: outcome.ok ? "Réglage enregistré." : outcome.message } as const;
  }
  if (intent === "remove-exception") {
    const parsed = z.object({ exceptionId: z.uuid() }).safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "notice", ok: false, message: "Période inconnue." } as const;
    const outcome = await removeRotationException(db, { actor, networkId: network.id, exceptionId: parsed.data.exceptionId });
    return { kind: "notice", ok: outcome.ok, message: outcome.ok ? "Période supprimée." : outcome.message } as const;
  }
  const submission = parseWithZod(formData, { schema: rotationExceptionSchema });
  if (submission.status !== "success") return { kind: "exception", result: submission.reply() } as const;
  const outcome = await addRotationException(db, { actor, networkId: network.id, ...submission.value });
  if (!outcome.ok) return { kind: "exception", result: submission.reply({ formErrors: [outcome.message] }) } as const;
  return { kind: "exception", result: submission.reply({ resetForm: true }), message: "Période d'indisponibilité enregistrée." } as const;
}

export default function RotationSettings() {
  const { slug, rows } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const exceptionData = data?.kind === "exception" ? data : undefined;
  const [form, fields] = useForm({
    id: "indisponibilite",
    lastResult: exceptionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: rotationExceptionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${slug}/tables-rondes`}>Tables rondes</Link>
          </li>
          <li aria-current="page">Réglages de la rotation</li>
        </ol>
      </nav>
      <h1>Réglages de la rotation</h1>
      <p>
        Les CCAS sont présentés dans l'ordre où la rotation les propose. Le rang ne départage que des CCAS à égalité (par exemple, ceux qui
        n'ont encore jamais accueilli) : le rang 1 passe en premier.
      </p>
      {data?.kind === "notice" ? (
        <p className={data.ok ? "notice" : "form-error"} role={data.ok ? "status" : "alert"}>
          {data.message}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="responsive-table">
          <caption className="visually-hidden">CCAS de la rotation</caption>
          <thead>
            <tr>
              <th scope="col">CCAS</th>
              <th scope="col">Dernier accueil</th>
              <th scope="col">Rang et participation</th>
              <th scope="col">Indisponibilités</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.organisationId}>
                <th scope="row">{row.name}</th>
                <td data-label="Dernier accueil">{row.lastHostedAt ?? <span className="muted">jamais</span>}</td>
                <td data-label="Rang et participation">
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="preference" />
                    <input type="hidden" name="organisationId" value={row.organisationId} />
                    <label htmlFor={`rang-${row.organisationId}`}>Rang</label>
                    <input
                      id={`rang-${row.organisationId}`}
                      name="tieOrder"
                      type="number"
                      min={1}
                      max={999}
                      className="rank-input"
                      defaultValue={row.tieOrder ?? ""}
                    />
                    <input id={`jamais-${row.organisationId}`} name="neverHosts" type="checkbox" defaultChecked={row.neverHosts} />
                    <label htmlFor={`jamais-${row.organisationId}`}>N'accueille pas</label>
                    <button type="submit" className="button button--secondary">
                      Enregistrer<span className="visually-hidden"> le réglage de {row.name}</span>
                    </button>
                  </Form>
                </td>
                <td data-label="Indisponibilités">
                  {row.exceptions.length === 0 ? (
                    <span className="muted">aucune</span>
                  ) : (
                    <ul className="contact-list">
                      {row.exceptions.map((exception) => (
                        <li key={exception.id}>
                          {exception.label}
                          {exception.reason ? ` (${exception.reason})` : ""}{" "}
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="remove-exception" />
                            <input type="hidden" name="exceptionId" value={exception.id} />
                            <button type="submit" className="link-button">
                              Supprimer<span className="visually-hidden"> la période {exception.label} de {row.name}</span>
                            </button>
                          </Form>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="card" aria-labelledby="nouvelle-indisponibilite">
        <h2 id="nouvelle-indisponibilite">Déclarer une période où un CCAS ne peut pas accueillir</h2>
        <p>Le CCAS est sauté pendant cette période et garde son tour pour la table ronde suivante.</p>
        {exceptionData && "message" in exceptionData ? (
          <p className="notice" role="status">
            {exceptionData.message}
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="exception" />
          <SelectField
            field={fields.organisationId}
            label="CCAS"
            placeholder="Choisissez un CCAS"
            options={rows.map((row) => ({ value: row.organisationId, label: row.name }))}
          />
          <TextField field={fields.startsOn} label="Du" type="date" />
          <TextField field={fields.endsOn} label="Au (inclus)" type="date" />
          <TextField field={fields.reason} label="Raison (facultative)" hint="Par exemple : travaux de la salle du conseil" />
          <SubmitButton>Enregistrer la période</SubmitButton>
        </Form>
      </section>
    </>
  );
}
