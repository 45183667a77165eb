import { Form, Link } from "@remix-run/react";
import type { AttachmentResult, AttachmentView } from "../features/attachments/forms.server.ts";
import { FieldError } from "./forms.tsx";

/**
 * The files of one owner (a page, a note, an offer, a convention): download links, and for
 * those who may change the owner, a file field whose refusal stands next to it and a
 * deletion that asks for confirmation. `fields` are hidden inputs naming the owner.
 */
export function Attachments({
  slug,
  ownerId,
  attachments,
  canWrite,
  result,
  title = "Pièces jointes",
  headingLevel = 2,
  addLabel = "Joindre un fichier",
  fields = {},
}: {
  slug: string;
  ownerId: string;
  attachments: AttachmentView[];
  canWrite: boolean;
  result?: AttachmentResult;
  title?: string;
  headingLevel?: 2 | 3 | 4;
  addLabel?: string;
  fields?: Record<string, string>;
}) {
  const mine = result && result.ownerId === ownerId ? result : undefined;
  const Heading = `h${headingLevel}` as const;
  const SubHeading = `h${Math.min(headingLevel + 1, 6)}` as "h3";
  const headingId = `pj-${ownerId}`;
  const inputId = `pj-${ownerId}-file`;
  const failed = mine?.kind === "attach" && !mine.ok ? mine.message : undefined;
  const hidden = (
    <>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="ownerId" value={ownerId} />
    </>
  );
  return (
    <section aria-labelledby={headingId} className="attachments">
      <Heading id={headingId}>{title}</Heading>
      {mine?.kind === "attach" && mine.ok ? (
        <p className="notice" role="status">
          {mine.message}
        </p>
      ) : null}
      {mine?.kind === "confirm-delete" ? (
        <div className="warning" role="alertdialog" aria-labelledby={`${headingId}-suppression`}>
          <SubHeading id={`${headingId}-suppression`}>Supprimer « {mine.fileName} » ?</SubHeading>
          <Form method="post" className="actions" preventScrollReset>
            <input type="hidden" name="intent" value="delete-attachment" />
            <input type="hidden" name="attachmentId" value={mine.attachmentId} />
            <input type="hidden" name="confirm" value="oui" />
            {hidden}
            <button type="submit" className="button">
              Supprimer définitivement
            </button>
            <Link to="." preventScrollReset>
              Annuler
            </Link>
          </Form>
        </div>
      ) : null}
      {attachments.length === 0 ? (
        <p className="muted">Aucune pièce jointe.</p>
      ) : (
        <ul className="search-results" aria-label={title}>
          {attachments.map((attachment) => (
            <li key={attachment.id}>
              <a href={`/reseaux/${slug}/pieces-jointes/${attachment.id}`} download>
                {attachment.fileName}
              </a>
              <span className="muted">
                {attachment.size} — ajoutée le {attachment.addedOn}
                {attachment.uploaderName ? ` par ${attachment.uploaderName}` : ""}
              </span>
              {canWrite ? (
                <Form method="post" className="no-print" preventScrollReset>
                  <input type="hidden" name="intent" value="delete-attachment" />
                  <input type="hidden" name="attachmentId" value={attachment.id} />
                  {hidden}
                  <button type="submit" className="button button--secondary">
                    Supprimer…<span className="visually-hidden"> {attachment.fileName}</span>
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canWrite ? (
        <Form method="post" encType="multipart/form-data" className="no-print" preventScrollReset>
          {hidden}
          <div className="field">
            <label htmlFor={inputId}>{addLabel}</label>
            <span className="hint" id={`${inputId}-hint`}>
              PDF, Word, Excel, PowerPoint, OpenDocument, images, texte ou CSV ; 10 Mo au plus.
            </span>
            <input
              id={inputId}
              name="file"
              type="file"
              aria-describedby={[failed ? `${inputId}-error` : undefined, `${inputId}-hint`].filter(Boolean).join(" ")}
              aria-invalid={failed ? true : undefined}
            />
            <FieldError id={`${inputId}-error`} errors={failed ? [failed] : undefined} />
          </div>
          <button type="submit" className="button button--secondary">
            Joindre
          </button>
        </Form>
      ) : null}
    </section>
  );
}
