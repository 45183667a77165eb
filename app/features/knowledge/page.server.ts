import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { listAttachments, MAX_ATTACHMENT_BYTES } from "../attachments/attachments.server.ts";
import { attachmentViews, attachUpload, deleteFromForm } from "../attachments/forms.server.ts";
import { requireSession } from "../auth/guards.server.ts";
import { can } from "../auth/permissions.ts";
import { editorContext } from "../documents/editor-context.server.ts";
import { requireNetworkMember } from "../network/access.server.ts";
import { readForm } from "../../http/forms.server.ts";
import { isMultipart, readUpload } from "../../http/uploads.server.ts";
import { uuidParam } from "../../http/params.server.ts";
import { formatDate, formatDateTime } from "../../i18n/format.ts";
import { itemStatusLabels } from "../roundtables/agenda.ts";
import { meetingsDiscussing, nextMeetingTakingProposals, proposeKnowledgeToAgenda } from "./agenda-links.server.ts";
import { addComment, listComments, setCommentResolved } from "./comments.server.ts";
import { attempt, knowledgeFields, readPayload } from "./forms.server.ts";
import { KnowledgeInputError, updatePracticeNote, updateWatchPage } from "./knowledge.server.ts";
import { activeMembers, ownerScopeOf } from "./owners.server.ts";
import { backlinks, getKnowledge, listSections, listThemes, type KnowledgeKind } from "./read.server.ts";
import { recordRead } from "./reads.server.ts";
import { proposeToAgendaSchema } from "./schemas.ts";
import { flattenSections } from "./sections.server.ts";

/** The page of one watch page or practice note: both kinds share it, only their fields differ. */

export const pathOfKind: Record<KnowledgeKind, string> = { wiki: "veille", practice: "fiches" };

export async function knowledgePageLoader({ request, params, context }: LoaderFunctionArgs, kind: KnowledgeKind) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const document = await getKnowledge(context.db, actor, uuidParam(params.documentId), kind);
  if (document.networkId !== network.id) throw new Response("Cette page n'existe pas ou n'est pas accessible.", { status: 404 });
  // Filing the page in another section is the coordinators' (`fileInSection`): the others are not offered the choice.
  const canFile = kind === "wiki" && document.canWrite && can(actor, { action: "wikiPage.arrange", networkId: network.id });
  const [readCount, editor, themes, sections, links, meetings, nextMeeting, attachments] = await Promise.all([
    recordRead(context.db, { documentId: document.id, userId: actor.userId }),
    editorContext(context.db, { documentId: document.id, networkId: network.id, userId: actor.userId }),
    listThemes(context.db, network.id),
    canFile ? listSections(context.db, network.id) : Promise.resolve([]),
    backlinks(context.db, actor, network.id, document.id),
    meetingsDiscussing(context.db, document.id),
    nextMeetingTakingProposals(context.db, network.id),
    listAttachments(context.db, "document", [document.id]),
  ]);
  const canChangeOwner = can(actor, { action: "document.changeOwner", ...document });
  const [comments, owners] = await Promise.all([
    listComments(context.db, actor, document.id),
    canChangeOwner ? activeMembers(context.db, ownerScopeOf(document)) : Promise.resolve([]),
  ]);
  const nextHost = nextMeeting
    ? await context.db.selectFrom("organisations").select("communeName").where("id", "=", nextMeeting.hostOrganisationId).executeTakeFirst()
    : undefined;
  return {
    slug: network.slug,
    kind,
    document: {
      id: document.id,
      title: document.title,
      themes: document.themes,
      themeIds: document.themeIds,
      sectionId: document.sectionId,
      sectionTitle: document.sectionTitle,
      organisationName: document.organisationName,
      visibility: document.visibility,
      ownerUserId: document.ownerUserId,
      ownerName: document.ownerName,
      reviewOn: document.reviewOn,
      reviewOnLabel: document.reviewOn ? formatDate(`${document.reviewOn}T12:00:00Z`) : null,
      reviewDue: document.reviewDue,
      legalReferences: document.legalReferences,
      details: document.details,
      updatedAt: formatDateTime(document.updatedAt),
      readCount,
      canWrite: document.canWrite,
      canFile,
      canChangeOwner,
    },
    /** Whom the page or note may be handed over to: offered only to those who may (`document.changeOwner`). */
    owners,
    editor,
    themes,
    sections: flattenSections(sections).map(({ id, title, depth }) => ({ id, title, depth })),
    backlinks: links,
    meetings: meetings.map((meeting) => ({
      meetingId: meeting.meetingId,
      when: formatDate(meeting.startsAt),
      hostCommune: meeting.hostCommune,
      itemTitle: meeting.itemTitle,
      status: itemStatusLabels[meeting.status].toLowerCase(),
    })),
    attachments: attachmentViews(attachments),
    comments: comments.map((comment) => ({
      ...comment,
      createdAt: formatDateTime(comment.createdAt),
      replies: comment.replies.map((reply) => ({ ...reply, createdAt: formatDateTime(reply.createdAt) })),
    })),
    nextMeeting: nextMeeting ? { when: formatDate(nextMeeting.startsAt), hostCommune: nextHost?.communeName ?? "" } : null,
  };
}

export async function knowledgePageAction({ request, params, context }: ActionFunctionArgs, kind: KnowledgeKind) {
  if (isMultipart(request)) {
    // The upload is read (within its limit) before answering a refusal: a reply sent mid-upload resets the connection.
    requireSession(context, request);
    const upload = await readUpload(request, MAX_ATTACHMENT_BYTES);
    const { network, actor } = await requireNetworkMember(context, request, params.slug);
    const documentId = uuidParam(params.documentId);
    return attachUpload(context.db, context.uploadDir, actor, { upload, networkId: network.id, owner: () => ({ kind: "document", id: documentId }) });
  }
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const documentId = uuidParam(params.documentId);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  if (intent === "propose") {
    const parsed = proposeToAgendaSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "propose", ok: false, message: parsed.error.issues[0]?.message ?? "Proposition invalide." } as const;
    const outcome = await proposeKnowledgeToAgenda(context.db, { actor, documentId, item: parsed.data });
    if (!outcome.ok) return { kind: "propose", ok: false, message: outcome.message } as const;
    context.realtime.agendaChanged(outcome.meetingId);
    return {
      kind: "propose",
      ok: true,
      message: "Proposé à l'ordre du jour de la prochaine table ronde.",
      meetingPath: `/reseaux/${network.slug}/tables-rondes/${outcome.meetingId}`,
    } as const;
  }
  if (intent === "comment") {
    const body = String(formData.get("body") ?? "");
    const parentId = String(formData.get("parentId") ?? "") || null;
    try {
      const comment = await addComment(context.db, actor, {
        documentId,
        body,
        parentId: parentId && /^[0-9a-f-]{36}$/i.test(parentId) ? parentId : null,
        documentUrl: `${context.baseUrl}/reseaux/${network.slug}/${pathOfKind[kind]}/${documentId}`,
      });
      return {
        kind: "comment",
        ok: true,
        parentId,
        message: comment.notified ? `Commentaire publié ; ${comment.notified} personne(s) prévenue(s).` : "Commentaire publié.",
      } as const;
    } catch (error) {
      if (error instanceof KnowledgeInputError) return { kind: "comment", ok: false, parentId, message: error.message, body } as const;
      throw error;
    }
  }
  if (intent === "resolve" || intent === "reopen") {
    const commentId = String(formData.get("commentId") ?? "");
    if (!/^[0-9a-f-]{36}$/i.test(commentId)) throw new Response("Commentaire inconnu.", { status: 404 });
    await setCommentResolved(context.db, actor, { commentId, resolved: intent === "resolve" });
    return { kind: "resolve", ok: true, message: intent === "resolve" ? "Discussion marquée comme résolue." : "Discussion rouverte." } as const;
  }
  if (intent === "delete-attachment") {
    return deleteFromForm(context.db, context.uploadDir, actor, formData, { networkId: network.id, ownerKind: "document", ownerIds: [documentId] });
  }
  const payload = readPayload(formData);
  const fields = knowledgeFields(payload, kind);
  const outcome = await attempt(payload, () =>
    kind === "wiki"
      ? updateWatchPage(context.db, context.realtime, actor, documentId, fields)
      : updatePracticeNote(context.db, context.realtime, actor, documentId, fields),
  );
  if (!outcome.ok) return { kind: "update", ...outcome } as const;
  return { kind: "update", ok: true, message: "Informations enregistrées." } as const;
}
