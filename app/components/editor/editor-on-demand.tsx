import { lazy, Suspense, useState } from "react";
import type { CollaborativeEditorProps } from "./types.ts";

// Its own chunk (TipTap, Yjs, socket.io client: about 200 KB gzipped), fetched when someone starts editing.
const CollaborativeEditor = lazy(() => import("./collaborative-editor.tsx").then((module) => ({ default: module.CollaborativeEditor })));

function isEmpty(html: string): boolean {
  return html.replace(/<[^>]*>/g, "").trim() === "";
}

/**
 * The text of a page people mostly read (watch pages, practice notes): the server's HTML, and a button that loads
 * the co-editor — « Modifier le texte » for those who may write, « Suivre les modifications en direct » for the
 * others (read-only, live). An empty text opens in the editor directly for those who may write.
 */
export function EditorOnDemand(props: CollaborativeEditorProps) {
  const [editing, setEditing] = useState(props.canWrite && isEmpty(props.initialHtml));
  const [askedByUser, setAskedByUser] = useState(false);
  const staticText = (
    <div className="editor-surface">
      <div className="document-content document-content--static" dangerouslySetInnerHTML={{ __html: props.initialHtml }} />
    </div>
  );
  if (!editing) {
    return (
      <section className="editor" aria-label={`Texte de « ${props.label} »`}>
        <p className="editor-meta no-print">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setAskedByUser(true);
              setEditing(true);
            }}
          >
            {props.canWrite ? "Modifier le texte" : "Suivre les modifications en direct"}
          </button>
        </p>
        {staticText}
      </section>
    );
  }
  return (
    <Suspense
      fallback={
        <section className="editor" aria-label={`Édition de « ${props.label} »`}>
          <div className="editor-meta">
            <div className="editor-status" role="status" aria-live="polite">
              <span className="editor-status__connection">Chargement de l'éditeur…</span>
            </div>
          </div>
          {staticText}
        </section>
      }
    >
      <CollaborativeEditor {...props} autoFocus={askedByUser || props.autoFocus} />
    </Suspense>
  );
}
