import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, SubmitButton, TextAreaField, TextField } from "../components/forms.tsx";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { listOrganisationNames } from "../features/network/organisations.server.ts";
import { formatLocalDate, todayIn } from "../features/purchases/dates.ts";
import { formatEuros } from "../features/purchases/money.ts";
import { stageLabels } from "../features/purchases/labels.ts";
import { createPurchase, listPurchases } from "../features/purchases/purchases.server.ts";
import { createPurchaseSchema } from "../features/purchases/schemas.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Achats groupés — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const purchases = await listPurchases(context.db, network.id);
  const organisations = await listOrganisationNames(context.db, network.id);
  // Who may start a project: the coordinators for any CCAS, a director for their own.
  const coordinatingOptions = organisations
    .filter((organisation) => can(actor, { action: "purchase.create", networkId: network.id, coordinatingOrganisationId: organisation.id }))
    .map((organisation) => ({ value: organisation.id, label: organisation.name }));
  return {
    slug: network.slug,
    coordinatingOptions,
    purchases: purchases.map((purchase) => ({
      id: purchase.id,
      subject: purchase.subject,
      coordinatingName: purchase.coordinatingName,
      stage: stageLabels[purchase.stage],
      joinDeadline: formatLocalDate(purchase.joinDeadline),
      joined: purchase.joined,
      need: formatEuros(purchase.needCents),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const submission = parseWithZod(await readForm(request), { schema: createPurchaseSchema });
  if (submission.status !== "success") return submission.reply();
  const outcome = await createPurchase(context.db, { actor, networkId: network.id, today: todayIn(network.timeZone), purchase: submission.value });
  if (!outcome.ok) {
    return outcome.field ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] });
  }
  throw redirect(`/reseaux/${network.slug}/achats/${outcome.purchaseId}`);
}

export default function GroupPurchases() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "creer-achat",
    lastResult,
    defaultValue: { coordinatingOrganisationId: data.coordinatingOptions.length === 1 ? data.coordinatingOptions[0]!.value : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createPurchaseSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <h1>Achats groupés</h1>
      <p>
        Négocier ensemble obtient des prix qu'aucun CCAS n'obtiendrait seul ; chaque CCAS reste libre d'adhérer puis de confirmer sa commande.
      </p>
      <ul className="inline-links">
        <li>
          <Link to={`/reseaux/${data.slug}/abs`}>Suivi des ABS 2027</Link>
        </li>
        <li>
          <Link to={`/reseaux/${data.slug}/conventions`}>Conventions de mutualisation</Link>
        </li>
      </ul>

      <h2>Projets d'achat</h2>
      {data.purchases.length === 0 ? (
        <p className="muted">Aucun achat groupé n'est en cours dans ce réseau.</p>
      ) : (
        <div className="table-wrap">
          <table className="responsive-table">
            <caption className="visually-hidden">Projets d'achat groupé</caption>
            <thead>
              <tr>
                <th scope="col">Objet</th>
                <th scope="col">CCAS coordonnateur</th>
                <th scope="col">Étape</th>
                <th scope="col">Adhésions avant le</th>
                <th scope="col">CCAS adhérents</th>
                <th scope="col">Besoin cumulé HT</th>
              </tr>
            </thead>
            <tbody>
              {data.purchases.map((purchase) => (
                <tr key={purchase.id}>
                  <th scope="row">
                    <Link to={purchase.id}>{purchase.subject}</Link>
                  </th>
                  <td data-label="CCAS coordonnateur">{purchase.coordinatingName}</td>
                  <td data-label="Étape">{purchase.stage}</td>
                  <td data-label="Adhésions avant le">{purchase.joinDeadline}</td>
                  <td data-label="CCAS adhérents">{purchase.joined}</td>
                  <td data-label="Besoin cumulé HT">{purchase.need}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {data.coordinatingOptions.length > 0 ? (
        <section className="card" aria-labelledby="nouvel-achat">
          <h2 id="nouvel-achat">Lancer un achat groupé</h2>
          <Form method="post" {...getFormProps(form)}>
            <FormErrors id={form.errorId} errors={form.errors} />
            <TextField field={fields.subject} label="Objet" hint="Par exemple : Analyse des besoins sociaux 2027" />
            <TextAreaField field={fields.needDescription} label="Description du besoin" rows={4} />
            <SelectField field={fields.coordinatingOrganisationId} label="CCAS coordonnateur" placeholder="Choisissez un CCAS" options={data.coordinatingOptions} />
            <TextField field={fields.contactName} label="Contact (nom)" autoComplete="name" />
            <TextField field={fields.contactEmail} label="Contact (e-mail, facultatif)" type="email" autoComplete="email" />
            <TextField field={fields.joinDeadline} label="Date limite d'adhésion" type="date" />
            <SubmitButton>Créer le projet d'achat</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
