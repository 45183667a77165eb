import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ConventionForm } from "../components/convention-form.tsx";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { splitMethodLabels } from "../features/purchases/cost-split.ts";
import { formatLocalDate } from "../features/purchases/dates.ts";
import { conventionFormField, conventionFormOrganisations, createConvention, listConventions } from "../features/purchases/conventions.server.ts";
import { formatEuros } from "../features/purchases/money.ts";
import { conventionInput, conventionSchema, serviceLabels } from "../features/purchases/schemas.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Conventions de mutualisation — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const conventions = await listConventions(context.db, network.id);
  const organisations = await conventionFormOrganisations(context.db, network.id);
  // Coordinators, or directors for conventions their CCAS is party to.
  const canCreate = organisations.some((organisation) => can(actor, { action: "convention.manage", networkId: network.id, partyOrganisationIds: [organisation.id] }));
  return {
    slug: network.slug,
    canCreate,
    organisations,
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
  const outcome = await createConvention(context.db, { actor, networkId: network.id, convention: conventionInput(submission.value) });
  if (!outcome.ok) {
    return outcome.field ? submission.reply({ fieldErrors: { [conventionFormField(outcome.field)]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] });
  }
  throw redirect(`/reseaux/${network.slug}/conventions/${outcome.conventionId}`);
}

export default function Conventions() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
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
          <ConventionForm
            id="creer-convention"
            organisations={data.organisations}
            defaultValue={{ splitMethod: "equal", service: "rsa_referent" }}
            lastResult={lastResult}
            submitLabel="Enregistrer la convention"
          />
        </section>
      ) : null}
    </>
  );
}
