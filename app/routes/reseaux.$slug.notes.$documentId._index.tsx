import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CollaborativeEditor } from "../components/editor/collaborative-editor.tsx";
import { requireReadableDocument } from "../features/documents/access.server.ts";
import { editorContext } from "../features/documents/editor-context.server.ts";
import { uuidParam } from "../http/params.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Note"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireReadableDocument(context, request, params.slug, uuidParam(params.documentId));
  const editor = await editorContext(context.db, {
    documentId: access.document.id,
    networkId: access.network.id,
    userId: access.actor.userId,
  });
  return { slug: access.network.slug, documentId: access.document.id, title: access.document.title, canWrite: access.canWrite, ...editor };
}

export default function NotePage() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${data.slug}/notes`}>Notes partagées</Link>
          </li>
          <li aria-current="page">{data.title}</li>
        </ol>
      </nav>
      <h1>{data.title}</h1>
      <p>
        <Link to="historique">Historique des versions</Link>
      </p>
      <CollaborativeEditor
        key={data.documentId}
        documentId={data.documentId}
        label={data.title}
        canWrite={data.canWrite}
        initialHtml={data.html}
        user={data.user}
        mentionables={data.mentionables}
      />
    </>
  );
}
