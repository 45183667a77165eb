import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CollaborativeEditor } from "../components/editor/collaborative-editor.tsx";
import { notFound } from "../features/auth/guards.server.ts";
import { can } from "../features/auth/permissions.ts";
import { findDocument } from "../features/documents/documents.server.ts";
import { editorContext } from "../features/documents/editor-context.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { findMeetingInNetwork, openMinutes } from "../features/roundtables/meetings.server.ts";
import { uuidParam } from "../http/params.server.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Compte rendu"} — Tablée` }];

async function loadMeeting(args: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(args.context, args.request, args.params.slug);
  const meeting = await findMeetingInNetwork(args.context.db, network.id, uuidParam(args.params.meetingId));
  if (!meeting) throw notFound();
  return { network, actor, meeting };
}

export async function loader(args: LoaderFunctionArgs) {
  const { network, actor, meeting } = await loadMeeting(args);
  const base = {
    slug: network.slug,
    meetingId: meeting.id,
    meetingTitle: `Table ronde du ${formatDate(meeting.startsAt)} à ${meeting.hostCommune}`,
    title: `Compte rendu de la table ronde du ${formatDate(meeting.startsAt)}`,
    canStart: can(actor, { action: "meeting.manage", networkId: network.id, hostOrganisationId: meeting.hostOrganisationId }),
  };
  const document = meeting.minutesDocumentId ? await findDocument(args.context.db, meeting.minutesDocumentId) : undefined;
  if (!document || !can(actor, { action: "document.read", ...document })) return { ...base, editor: null };
  const editor = await editorContext(args.context.db, { documentId: document.id, networkId: network.id, userId: actor.userId });
  return { ...base, editor: { documentId: document.id, canWrite: can(actor, { action: "document.write", ...document }), ...editor } };
}

export async function action(args: ActionFunctionArgs) {
  const { network, actor, meeting } = await loadMeeting(args);
  await openMinutes(args.context.db, { actor, meeting });
  throw redirect(`/reseaux/${network.slug}/tables-rondes/${meeting.id}/compte-rendu`);
}

export default function MinutesPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${data.slug}/tables-rondes`}>Tables rondes</Link>
          </li>
          <li>
            <Link to={`/reseaux/${data.slug}/tables-rondes/${data.meetingId}`}>{data.meetingTitle}</Link>
          </li>
          <li aria-current="page">Compte rendu</li>
        </ol>
      </nav>
      <h1>{data.title}</h1>
      {data.editor ? (
        <CollaborativeEditor
          key={data.editor.documentId}
          documentId={data.editor.documentId}
          label={data.title}
          canWrite={data.editor.canWrite}
          initialHtml={data.editor.html}
          user={data.editor.user}
          mentionables={data.editor.mentionables}
        />
      ) : data.canStart ? (
        <div className="empty-state">
          <h2>Pas encore de compte rendu</h2>
          <p>Le compte rendu se rédige à plusieurs, en direct : décisions, échanges, suites à donner.</p>
          <Form method="post">
            <button type="submit" className="button">
              Commencer le compte rendu
            </button>
          </Form>
        </div>
      ) : (
        <div className="empty-state">
          <h2>Pas encore de compte rendu</h2>
          <p>Le CCAS d'accueil ou la coordination du réseau le commencera après la table ronde.</p>
        </div>
      )}
    </>
  );
}
