import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { attempt, readPayload } from "../features/knowledge/forms.server.ts";
import { createPracticeNote } from "../features/knowledge/knowledge.server.ts";
import { listKnowledge } from "../features/knowledge/read.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { readForm } from "../http/forms.server.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Fiches pratiques — Tablée" }];

async function ownOrganisations(context: LoaderFunctionArgs["context"], networkId: string, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  return context.db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("networkId", "=", networkId)
    .where("id", "in", organisationIds)
    .orderBy("name")
    .execute();
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const organisationFilter = new URL(request.url).searchParams.get("ccas") ?? undefined;
  const validFilter = organisationFilter && /^[0-9a-f-]{36}$/i.test(organisationFilter) ? organisationFilter : undefined;
  const notes = await listKnowledge(context.db, actor, network.id, "practice", { organisationId: validFilter });
  const own = await ownOrganisations(
    context,
    network.id,
    actor.memberships.filter((membership) => membership.networkId === network.id).map((membership) => membership.organisationId),
  );
  return {
    filteredBy: validFilter ? (notes[0]?.organisationName ?? null) : null,
    filtered: Boolean(validFilter),
    organisations: own,
    notes: notes.map((note) => ({
      id: note.id,
      title: note.title,
      organisationName: note.organisationName,
      draft: note.visibility === "organisation",
      themes: note.themes,
      updatedAt: formatDate(note.updatedAt),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const payload = readPayload(await readForm(request));
  const outcome = await attempt(payload, () =>
    createPracticeNote(context.db, actor, {
      networkId: network.id,
      organisationId: String(payload.organisationId ?? ""),
      title: String(payload.title ?? ""),
    }),
  );
  if (!outcome.ok) return outcome;
  throw redirect(`/reseaux/${network.slug}/fiches/${outcome.value.id}`);
}

export default function PracticeNotes() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  return (
    <>
      <h1>Fiches pratiques{data.filteredBy ? ` — ${data.filteredBy}` : ""}</h1>
      <p>Comment un CCAS a mené une action : contexte, ce qui a été fait, résultats, coût, partenaires, contact.</p>
      {data.filtered ? (
        <p>
          <Link to=".">Voir les fiches de tous les CCAS</Link>
        </p>
      ) : null}
      {data.organisations.length > 0 ? (
        <section className="card" aria-labelledby="nouvelle-fiche">
          <h2 id="nouvelle-fiche">Nouvelle fiche</h2>
          <p className="hint">La fiche reste un brouillon visible de votre CCAS seulement, jusqu'à ce que vous la publiiez.</p>
          <Form method="post" noValidate>
            <div className="field">
              <label htmlFor="note-title">Titre</label>
              <input
                id="note-title"
                name="title"
                defaultValue={result && !result.ok ? String(result.payload.title ?? "") : ""}
                aria-invalid={errors?.title ? true : undefined}
                aria-describedby={errors?.title ? "note-title-error" : undefined}
              />
              <p className="field-error" id="note-title-error" hidden={!errors?.title}>
                {errors?.title?.join(" ")}
              </p>
            </div>
            <div className="field">
              <label htmlFor="note-organisation">CCAS auteur</label>
              <select id="note-organisation" name="organisationId">
                {data.organisations.map((organisation) => (
                  <option key={organisation.id} value={organisation.id}>
                    {organisation.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button">
              Créer la fiche
            </button>
          </Form>
        </section>
      ) : null}
      {data.notes.length === 0 ? (
        <div className="empty-state">
          <h2>Aucune fiche pratique pour l'instant</h2>
          <p>Racontez une action de votre CCAS : un autre CCAS du réseau s'en inspirera peut-être.</p>
        </div>
      ) : (
        <ul className="search-results" aria-label="Fiches pratiques">
          {data.notes.map((note) => (
            <li key={note.id}>
              <span>
                <Link to={note.id}>{note.title}</Link> {note.draft ? <span className="badge">brouillon</span> : null}
              </span>
              <span className="muted">
                {note.organisationName} — {note.themes.join(", ")} — modifiée le {note.updatedAt}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
