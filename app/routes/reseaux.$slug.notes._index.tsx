import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { authorize } from "../features/auth/guards.server.ts";
import { createDocument, listNetworkDocuments } from "../features/documents/documents.server.ts";
import { documentTitleSchema } from "../features/documents/schemas.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { readForm } from "../http/forms.server.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Notes partagées — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network } = await requireNetworkMember(context, request, params.slug);
  const notes = await listNetworkDocuments(context.db, network.id, "note");
  return {
    notes: notes.map((note) => ({ id: note.id, title: note.title, updatedAt: formatDateTime(note.updatedAt), authorName: note.authorName })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  authorize(actor, { action: "document.create", networkId: network.id });
  const submission = parseWithZod(await readForm(request), { schema: documentTitleSchema });
  if (submission.status !== "success") return submission.reply();
  const document = await createDocument(context.db, {
    networkId: network.id,
    kind: "note",
    title: submission.value.title,
    createdBy: actor.userId,
  });
  throw redirect(`/reseaux/${network.slug}/notes/${document.id}`);
}

export default function Notes() {
  const { notes } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: documentTitleSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <h1>Notes partagées</h1>
      <p>Des textes que les membres du réseau rédigent ensemble, en direct : préparation d'une rencontre, compte rendu d'une visite, brouillon d'une position commune…</p>
      <section className="card" aria-labelledby="nouvelle-note">
        <h2 id="nouvelle-note">Nouvelle note</h2>
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField field={fields.title} label="Titre" hint="Par exemple : Préparation de la table ronde de mars" />
          <SubmitButton>Créer la note</SubmitButton>
        </Form>
      </section>
      {notes.length === 0 ? (
        <div className="empty-state">
          <h2>Aucune note pour l'instant</h2>
          <p>Créez la première : tous les membres du réseau pourront la lire et la compléter avec vous.</p>
        </div>
      ) : (
        <ul className="search-results" aria-label="Notes">
          {notes.map((note) => (
            <li key={note.id}>
              <Link to={note.id}>{note.title}</Link>
              <span className="muted">
                modifiée le {note.updatedAt}
                {note.authorName ? ` — créée par ${note.authorName}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
