import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/forms.tsx";
import { authorize } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { COMMUNES_SOURCE, searchCommunes } from "../features/network/communes.server.ts";
import { addOrganisationToNetwork } from "../features/network/directory.server.ts";
import { memberInseeCodes } from "../features/network/organisations.server.ts";
import { addOrganisationSchema, communeQuerySchema } from "../features/network/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { formatInteger } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Ajouter un CCAS — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  authorize(actor, { action: "organisation.create", networkId: network.id });
  const parsed = communeQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const query = parsed.success ? parsed.data.q : "";
  const queryError = parsed.success ? null : (parsed.error.issues[0]?.message ?? "Recherche invalide.");
  const present = await memberInseeCodes(context.db, network.id);
  const results = query ? searchCommunes(query) : [];
  return {
    slug: network.slug,
    query: parsed.success ? query : String(new URL(request.url).searchParams.get("q") ?? ""),
    queryError,
    source: COMMUNES_SOURCE,
    results: results.map((commune) => ({ ...commune, alreadyMember: present.has(commune.code) })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const parsed = addOrganisationSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Choisissez une commune." };
  const outcome = await addOrganisationToNetwork(context.db, {
    actor,
    networkId: network.id,
    inseeCode: parsed.data.inseeCode,
    ip: context.clientIp,
  });
  if (!outcome.ok) return { error: outcome.message };
  throw redirect(`/reseaux/${network.slug}/annuaire/${outcome.organisationId}/modifier`);
}

export default function AddOrganisation() {
  const { slug, query, queryError, results, source } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${slug}/annuaire`}>Annuaire</Link>
          </li>
          <li aria-current="page">Ajouter un CCAS</li>
        </ol>
      </nav>
      <h1>Ajouter un CCAS au réseau</h1>
      <Form method="get" role="search" aria-label="Rechercher une commune">
        <div className="field">
          <label htmlFor="q">Commune</label>
          <span className="hint" id="q-hint">
            Nom (avec ou sans accents) ou code postal, par exemple « thorigne » ou « 35235 ».
          </span>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={query}
            aria-describedby={queryError ? "q-hint q-error" : "q-hint"}
            aria-invalid={queryError ? true : undefined}
          />
          {queryError ? (
            <p className="field-error" id="q-error">
              {queryError}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button--secondary">
          Rechercher
        </button>
      </Form>
      <FormErrors id="ajout-erreur" errors={actionData?.error ? [actionData.error] : undefined} />
      {query && !queryError ? (
        <section aria-labelledby="resultats">
          <h2 id="resultats" aria-live="polite">
            {results.length === 0 ? `Aucune commune ne correspond à « ${query} »` : `Communes correspondant à « ${query} »`}
          </h2>
          {results.length === 0 ? (
            <p>Vérifiez l'orthographe, essayez le début du nom ou le code postal.</p>
          ) : (
            <ul className="search-results">
              {results.map((commune) => (
                <li key={commune.code}>
                  <span>
                    <strong>{commune.name}</strong> ({commune.postalCodes.join(", ")}) — département {commune.departmentCode},{" "}
                    {commune.population === null ? "population inconnue" : `${formatInteger(commune.population)} hab.`}
                  </span>
                  {commune.alreadyMember ? (
                    <span className="badge">déjà dans le réseau</span>
                  ) : (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="inseeCode" value={commune.code} />
                      <button type="submit" className="button" aria-label={`Ajouter le CCAS de ${commune.name} (${commune.departmentCode})`}>
                        Ajouter
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          )}
          <p className="muted">Source : {source}.</p>
        </section>
      ) : null}
    </>
  );
}
