import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { requireReadableDocument, requireWritable } from "../features/documents/access.server.ts";
import { diffTexts, summariseDiff } from "../features/documents/diff.ts";
import { restoreRevision } from "../features/documents/history.server.ts";
import { createRevision, getRevision, listRevisions } from "../features/documents/persistence.server.ts";
import { namedVersionSchema, restoreSchema } from "../features/documents/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { uuidParam } from "../http/params.server.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Historique — ${data?.title ?? "Note"} — Tablée` }];

const reasonLabels = { auto: "automatique", manual: "enregistrée", event: "étape", restore: "restauration" } as const;

function revisionId(value: string | null): number | null {
  return value && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireReadableDocument(context, request, params.slug, uuidParam(params.documentId));
  const url = new URL(request.url);
  const documentId = access.document.id;
  const revisions = await listRevisions(context.db, documentId);
  const viewed = revisionId(url.searchParams.get("version"));
  const from = revisionId(url.searchParams.get("de"));
  const to = revisionId(url.searchParams.get("a"));
  const version = viewed ? await getRevision(context.db, documentId, viewed) : undefined;
  let comparison = null;
  if (from && to) {
    const [before, after] = await Promise.all([getRevision(context.db, documentId, from), getRevision(context.db, documentId, to)]);
    if (before && after) {
      const parts = diffTexts(before.contentText, after.contentText);
      comparison = {
        from: { id: before.id, label: before.label, when: formatDateTime(before.createdAt) },
        to: { id: after.id, label: after.label, when: formatDateTime(after.createdAt) },
        parts,
        summary: summariseDiff(parts),
      };
    }
  }
  return {
    title: access.document.title,
    canWrite: access.canWrite,
    revisions: revisions.map((revision) => ({
      id: revision.id,
      label: revision.label,
      reason: reasonLabels[revision.reason],
      when: formatDateTime(revision.createdAt),
      author: revision.authorName,
    })),
    version: version ? { id: version.id, label: version.label, when: formatDateTime(version.createdAt), html: version.contentHtml } : null,
    comparison,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireReadableDocument(context, request, params.slug, uuidParam(params.documentId));
  requireWritable(access);
  const formData = await readForm(request);
  if (formData.get("intent") === "restore") {
    const parsed = restoreSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "restore", ok: false, message: "Version inconnue." } as const;
    if (parsed.data.confirm !== "oui") return { kind: "confirm-restore", revisionId: parsed.data.revisionId } as const;
    const outcome = await restoreRevision(context.db, context.realtime, {
      documentId: access.document.id,
      revisionId: parsed.data.revisionId,
      userId: access.actor.userId,
    });
    return outcome.ok
      ? ({ kind: "restore", ok: true, message: "Version restaurée. Le texte actuel a été gardé dans l'historique." } as const)
      : ({ kind: "restore", ok: false, message: outcome.message } as const);
  }
  const submission = parseWithZod(formData, { schema: namedVersionSchema });
  if (submission.status !== "success") return { kind: "save", result: submission.reply() } as const;
  await createRevision(context.db, access.document.id, { label: submission.value.label, reason: "manual", userId: access.actor.userId });
  return { kind: "save", result: submission.reply({ resetForm: true }), saved: submission.value.label } as const;
}

export default function History() {
  const { title, canWrite, revisions, version, comparison } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "version",
    lastResult: data?.kind === "save" ? data.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: namedVersionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const confirming = data?.kind === "confirm-restore" ? revisions.find((revision) => revision.id === data.revisionId) : undefined;
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to="..">{title}</Link>
          </li>
          <li aria-current="page">Historique des versions</li>
        </ol>
      </nav>
      <h1>Historique de « {title} »</h1>
      {data?.kind === "restore" ? (
        <p className={data.ok ? "notice" : "form-error"} role={data.ok ? "status" : "alert"}>
          {data.message}
        </p>
      ) : null}
      {data?.kind === "save" && "saved" in data ? (
        <p className="notice" role="status">
          Version « {data.saved} » enregistrée.
        </p>
      ) : null}
      {confirming ? (
        <div className="warning" role="alertdialog" aria-labelledby="restore-title" aria-describedby="restore-text">
          <h2 id="restore-title">Restaurer « {confirming.label} » ?</h2>
          <p id="restore-text">
            Le texte redeviendra celui du {confirming.when}, pour toutes les personnes qui l'ouvrent. Le texte actuel est gardé dans
            l'historique : vous pourrez y revenir.
          </p>
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="restore" />
            <input type="hidden" name="revisionId" value={confirming.id} />
            <input type="hidden" name="confirm" value="oui" />
            <button type="submit" className="button">
              Restaurer cette version
            </button>
            <Link to=".">Annuler</Link>
          </Form>
        </div>
      ) : null}
      {canWrite ? (
        <section className="card" aria-labelledby="enregistrer">
          <h2 id="enregistrer">Enregistrer une version</h2>
          <Form method="post" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="save-version" />
            <FormErrors id={form.errorId} errors={form.errors} />
            <TextField field={fields.label} label="Nom de la version" hint="Par exemple : Version envoyée aux élus" />
            <SubmitButton>Enregistrer la version actuelle</SubmitButton>
          </Form>
        </section>
      ) : null}
      {comparison ? (
        <section className="card" aria-labelledby="comparaison">
          <h2 id="comparaison">
            Différences entre « {comparison.from.label} » ({comparison.from.when}) et « {comparison.to.label} » ({comparison.to.when})
          </h2>
          <p>
            {comparison.summary.added} mot(s) ajouté(s), {comparison.summary.removed} mot(s) retiré(s). Les ajouts sont{" "}
            <ins>soulignés</ins>, les suppressions <del>barrées</del>.
          </p>
          <div className="diff">
            {comparison.parts.map((part, index) =>
              part.kind === "added" ? (
                <ins key={index}>{part.text}</ins>
              ) : part.kind === "removed" ? (
                <del key={index}>{part.text}</del>
              ) : (
                <span key={index}>{part.text}</span>
              ),
            )}
          </div>
        </section>
      ) : null}
      {version ? (
        <section className="card" aria-labelledby="version-vue">
          <h2 id="version-vue">
            « {version.label} » — {version.when}
          </h2>
          <div className="document-content" dangerouslySetInnerHTML={{ __html: version.html }} />
          {canWrite ? (
            <Form method="post" className="actions">
              <input type="hidden" name="intent" value="restore" />
              <input type="hidden" name="revisionId" value={version.id} />
              <button type="submit" className="button button--secondary">
                Restaurer cette version…
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      <h2>Versions</h2>
      {revisions.length === 0 ? (
        <p className="muted">Aucune version pour l'instant : elles sont gardées automatiquement pendant l'écriture (au plus une toutes les 5 minutes).</p>
      ) : (
        <Form method="get" className="card">
          <fieldset className="versions">
            <legend>Choisissez deux versions à comparer</legend>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Date</th>
                    <th scope="col">Par</th>
                    <th scope="col">Comparer : de</th>
                    <th scope="col">à</th>
                  </tr>
                </thead>
                <tbody>
                  {revisions.map((revision, index) => (
                    <tr key={revision.id}>
                      <th scope="row">
                        <Link to={`?version=${revision.id}`}>{revision.label}</Link> <span className="badge">{revision.reason}</span>
                      </th>
                      <td>{revision.when}</td>
                      <td>{revision.author ?? "—"}</td>
                      <td>
                        <input
                          type="radio"
                          name="de"
                          value={revision.id}
                          aria-label={`Comparer depuis ${revision.label} (${revision.when})`}
                          defaultChecked={searchParams.get("de") ? searchParams.get("de") === String(revision.id) : index === 1}
                        />
                      </td>
                      <td>
                        <input
                          type="radio"
                          name="a"
                          value={revision.id}
                          aria-label={`Comparer jusqu'à ${revision.label} (${revision.when})`}
                          defaultChecked={searchParams.get("a") ? searchParams.get("a") === String(revision.id) : index === 0}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </fieldset>
          {revisions.length > 1 ? (
            <button type="submit" className="button button--secondary">
              Comparer
            </button>
          ) : null}
        </Form>
      )}
    </>
  );
}
