import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { knowledgePageAction, knowledgePageLoader } from "../features/knowledge/page.server.ts";
import { formatInteger } from "../i18n/format.ts";
import { Attachments } from "./attachments.tsx";
import { EditorOnDemand } from "./editor/editor-on-demand.tsx";
import { KnowledgeFields, KnowledgeLinks, LegalReferenceList, ProposeToAgenda, ThemeList, valuesFromPayload } from "./knowledge-fields.tsx";

/** One watch page or practice note: its text (co-edited), its facts, its links, and what to do with it. */
export function KnowledgePage({ children }: { children?: React.ReactNode }) {
  const data = useLoaderData<typeof knowledgePageLoader>();
  const result = useActionData<typeof knowledgePageAction>();
  const { document, kind, slug } = data;
  const listPath = `/reseaux/${slug}/${kind === "wiki" ? "veille" : "fiches"}`;
  const failedUpdate = result?.kind === "update" && !result.ok ? result : undefined;
  const values = failedUpdate
    ? valuesFromPayload(failedUpdate.payload)
    : {
        ...document,
        ...(document.details ?? {}),
        themes: document.themeIds,
        published: document.visibility === "network",
      };
  return (
    <article className="knowledge-document">
      <nav className="breadcrumb no-print" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={listPath}>{kind === "wiki" ? "Veille réglementaire" : "Fiches pratiques"}</Link>
          </li>
          {document.sectionTitle ? <li>{document.sectionTitle}</li> : null}
          <li aria-current="page">{document.title}</li>
        </ol>
      </nav>
      <h1>{document.title}</h1>
      {document.reviewDue ? (
        <p className="warning" role="note">
          <strong>À revoir :</strong> la date de révision ({document.reviewOnLabel}) est passée. Vérifiez que le contenu est toujours exact.
        </p>
      ) : null}
      {kind === "practice" && document.visibility === "organisation" ? (
        <p className="warning" role="note">
          <strong>Brouillon :</strong> seul votre CCAS voit cette fiche tant qu'elle n'est pas publiée.
        </p>
      ) : null}
      <dl className="facts">
        {kind === "practice" ? (
          <>
            <dt>CCAS</dt>
            <dd>{document.organisationName}</dd>
          </>
        ) : null}
        <dt>Responsable</dt>
        <dd>{document.ownerName ?? "—"}</dd>
        <dt>À revoir le</dt>
        <dd>{document.reviewOnLabel ?? "pas de date"}</dd>
        <dt>Modifiée le</dt>
        <dd>{document.updatedAt}</dd>
        <dt>Lectures</dt>
        <dd>{document.readCount === 0 ? "Pas encore consultée" : `Consultée ${formatInteger(document.readCount)} fois`}</dd>
        {kind === "practice" && document.details ? (
          <>
            <dt>Coût</dt>
            <dd>{document.details.cost ?? "—"}</dd>
            <dt>Partenaires</dt>
            <dd>{document.details.partners ?? "—"}</dd>
            <dt>Contact</dt>
            <dd>{[document.details.contactName, document.details.contactDetails].filter(Boolean).join(" — ") || "—"}</dd>
          </>
        ) : null}
      </dl>
      <ThemeList themes={document.themes} />
      <p className="actions no-print">
        <Link to="historique">Historique des versions</Link>
        <a href={`${listPath}/${document.id}/export?format=md`}>Exporter en Markdown</a>
        <a href={`${listPath}/${document.id}/export?format=html`}>Exporter en HTML</a>
        <button type="button" className="button button--secondary" onClick={() => window.print()}>
          Imprimer
        </button>
      </p>
      {kind === "practice" ? (
        <p className="hint no-print">Contexte, actions menées, résultats : décrivez-les dans le texte ci-dessous.</p>
      ) : null}
      <EditorOnDemand
        key={document.id}
        documentId={document.id}
        label={document.title}
        canWrite={document.canWrite}
        initialHtml={data.editor.html}
        user={data.editor.user}
        mentionables={data.editor.mentionables}
      />
      <LegalReferenceList references={document.legalReferences} />
      <Attachments
        slug={slug}
        ownerId={document.id}
        attachments={data.attachments}
        canWrite={document.canWrite}
        result={result?.kind === "attach" || result?.kind === "confirm-delete" ? result : undefined}
      />
      {children}
      <Comments comments={data.comments} result={result} />
      <KnowledgeLinks slug={slug} backlinks={data.backlinks} meetings={data.meetings} />
      <ProposeToAgenda
        nextMeeting={data.nextMeeting}
        message={result?.kind === "propose" ? { ok: result.ok, text: result.message } : undefined}
      />
      {result?.kind === "propose" && result.ok && "meetingPath" in result ? (
        <p className="no-print">
          <Link to={result.meetingPath}>Voir l'ordre du jour</Link>
        </p>
      ) : null}
      {result?.kind === "update" && result.ok ? (
        <p className="notice no-print" role="status">
          {result.message}
        </p>
      ) : null}
      {document.canWrite ? (
        <details className="card no-print" open={Boolean(failedUpdate)}>
          <summary>{`Modifier les informations (${editableFacts(kind, document)})`}</summary>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="update" />
            <KnowledgeFields
              prefix="info"
              kind={kind}
              values={values}
              errors={failedUpdate?.errors}
              themes={data.themes}
              sections={document.canFile ? data.sections : undefined}
              sectionTitle={document.sectionTitle}
              owners={document.canChangeOwner ? { candidates: data.owners, current: { userId: document.ownerUserId, name: document.ownerName } } : undefined}
            />
            <button type="submit" className="button">
              Enregistrer les informations
            </button>
          </Form>
        </details>
      ) : null}
    </article>
  );
}

/** What the edit form changes, as its summary lists it: the section and the responsible only for those who may. */
function editableFacts(kind: "wiki" | "practice", document: { canFile: boolean; canChangeOwner: boolean }): string {
  const owner = document.canChangeOwner ? ["responsable"] : [];
  const facts =
    kind === "wiki"
      ? ["titre", ...(document.canFile ? ["section"] : []), ...owner, "thèmes", "références", "révision"]
      : ["titre", ...owner, "thèmes", "coût", "contact", "publication"];
  return facts.join(", ");
}

type PageData = ReturnType<typeof useLoaderData<typeof knowledgePageLoader>>;
type ActionData = ReturnType<typeof useActionData<typeof knowledgePageAction>>;

function CommentForm({ parentId, result, label }: { parentId?: string; result: ActionData; label: string }) {
  const id = parentId ? `reply-${parentId}` : "new-comment";
  const mine = result?.kind === "comment" && (result.parentId ?? undefined) === parentId ? result : undefined;
  const failed = mine && !mine.ok ? mine : undefined;
  return (
    <Form method="post" className="comment-form" preventScrollReset>
      <input type="hidden" name="intent" value="comment" />
      {parentId ? <input type="hidden" name="parentId" value={parentId} /> : null}
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {parentId ? null : (
          <span className="hint" id={`${id}-hint`}>
            Pour prévenir quelqu'un, écrivez @ suivi de son prénom et de son nom (par exemple @Sophie Petit).
          </span>
        )}
        <textarea
          id={id}
          name="body"
          rows={parentId ? 2 : 3}
          defaultValue={failed?.body ?? ""}
          key={mine?.ok ? Math.random() : "draft"}
          aria-invalid={failed ? true : undefined}
          aria-describedby={[parentId ? null : `${id}-hint`, failed ? `${id}-error` : null].filter(Boolean).join(" ") || undefined}
        />
        <p className="field-error" id={`${id}-error`} hidden={!failed}>
          {failed?.message}
        </p>
      </div>
      <button type="submit" className="button button--secondary">
        {parentId ? "Répondre" : "Publier le commentaire"}
      </button>
    </Form>
  );
}

function Comments({ comments, result }: { comments: PageData["comments"]; result: ActionData }) {
  const notice = (result?.kind === "comment" && result.ok) || result?.kind === "resolve" ? result : undefined;
  return (
    <section className="comments no-print" aria-labelledby="commentaires">
      <h2 id="commentaires">Commentaires</h2>
      {notice ? (
        <p className="notice" role="status">
          {notice.message}
        </p>
      ) : null}
      {comments.length === 0 ? <p className="muted">Aucun commentaire pour l'instant.</p> : null}
      <ol className="comment-threads">
        {comments.map((comment) => (
          <li key={comment.id} className={comment.resolved ? "comment comment--resolved" : "comment"}>
            <p className="comment__meta">
              <strong>{comment.authorName ?? "Ancien membre"}</strong> <span className="muted">— {comment.createdAt}</span>
              {comment.resolved ? <span className="badge"> résolu{comment.resolvedByName ? ` par ${comment.resolvedByName}` : ""}</span> : null}
            </p>
            <p className="comment__body">{comment.body}</p>
            {comment.replies.length > 0 ? (
              <ol className="comment-replies" aria-label={`Réponses à ${comment.authorName ?? "ce commentaire"}`}>
                {comment.replies.map((reply) => (
                  <li key={reply.id} className="comment">
                    <p className="comment__meta">
                      <strong>{reply.authorName ?? "Ancien membre"}</strong> <span className="muted">— {reply.createdAt}</span>
                    </p>
                    <p className="comment__body">{reply.body}</p>
                  </li>
                ))}
              </ol>
            ) : null}
            <div className="actions">
              {comment.canResolve ? (
                <Form method="post" preventScrollReset>
                  <input type="hidden" name="intent" value={comment.resolved ? "reopen" : "resolve"} />
                  <input type="hidden" name="commentId" value={comment.id} />
                  <button type="submit" className="button button--secondary">
                    {comment.resolved ? "Rouvrir la discussion" : "Marquer comme résolu"}
                  </button>
                </Form>
              ) : null}
            </div>
            {comment.resolved ? null : <CommentForm parentId={comment.id} result={result} label={`Répondre à ${comment.authorName ?? "ce commentaire"}`} />}
          </li>
        ))}
      </ol>
      <CommentForm result={result} label="Nouveau commentaire" />
    </section>
  );
}
