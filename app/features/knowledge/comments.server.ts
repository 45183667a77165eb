import { inTransaction, type Executor } from "../../../db/client.ts";
import { authorize, notFound } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { findDocument } from "../documents/documents.server.ts";
import { enqueueMail } from "../mail/outbox.server.ts";
import { KnowledgeInputError } from "./knowledge.server.ts";

/**
 * Threaded comments on watch pages and practice notes. Writing "@Prénom Nom"
 * of a member who may read the document notifies them in the app, and by
 * e-mail if they asked for it on their profile (queued in the outbox with the
 * comment: both are written, or neither).
 */

export const MAX_COMMENT_LENGTH = 5000;

async function readableDocument(db: Executor, actor: Actor, documentId: string) {
  const document = await findDocument(db, documentId);
  if (!document || (document.kind !== "wiki" && document.kind !== "practice") || !can(actor, { action: "document.read", ...document })) throw notFound();
  return document;
}

export interface CommentView {
  id: string;
  authorName: string | null;
  body: string;
  createdAt: Date;
  resolved: boolean;
  resolvedByName: string | null;
  canResolve: boolean;
  replies: { id: string; authorName: string | null; body: string; createdAt: Date }[];
}

export async function listComments(db: Executor, actor: Actor, documentId: string): Promise<CommentView[]> {
  const document = await readableDocument(db, actor, documentId);
  const rows = await db
    .selectFrom("comments")
    .leftJoin("users as author", "author.id", "comments.authorId")
    .leftJoin("users as resolver", "resolver.id", "comments.resolvedBy")
    .select([
      "comments.id",
      "comments.parentId",
      "comments.authorId",
      "comments.body",
      "comments.createdAt",
      "comments.resolvedAt",
      "author.name as authorName",
      "resolver.name as resolvedByName",
    ])
    .where("comments.documentId", "=", documentId)
    .orderBy("comments.createdAt")
    .orderBy("comments.id")
    .execute();
  return rows
    .filter((row) => row.parentId === null)
    .map((row) => ({
      id: row.id,
      authorName: row.authorName,
      body: row.body,
      createdAt: row.createdAt,
      resolved: row.resolvedAt !== null,
      resolvedByName: row.resolvedByName,
      canResolve: can(actor, { action: "comment.resolve", ...document, authorId: row.authorId }),
      replies: rows
        .filter((reply) => reply.parentId === row.id)
        .map((reply) => ({ id: reply.id, authorName: reply.authorName, body: reply.body, createdAt: reply.createdAt })),
    }));
}

const fold = (value: string) => value.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

/** Members of the network named as "@Prénom Nom" in `body` (accents and case ignored), longest names first. */
export function mentionedNames(body: string, names: string[]): string[] {
  const text = fold(body);
  return [...new Set(names)]
    .sort((a, b) => b.length - a.length)
    .filter((name) => {
      const index = text.indexOf(`@${fold(name)}`);
      if (index < 0) return false;
      const after = text[index + name.length + 1];
      return after === undefined || !/[\p{L}\p{N}]/u.test(after);
    });
}

export async function addComment(
  db: Executor,
  actor: Actor,
  input: { documentId: string; body: string; parentId?: string | null; documentUrl: string },
): Promise<{ id: string; notified: number }> {
  const document = await readableDocument(db, actor, input.documentId);
  authorize(actor, { action: "comment.create", ...document });
  const body = input.body.trim();
  if (body.length === 0) throw new KnowledgeInputError({ body: ["Écrivez votre commentaire."] });
  if (body.length > MAX_COMMENT_LENGTH) throw new KnowledgeInputError({ body: [`Un commentaire ne doit pas dépasser ${MAX_COMMENT_LENGTH} caractères.`] });
  let parentAuthorId: string | null = null;
  if (input.parentId) {
    const parent = await db
      .selectFrom("comments")
      .select(["id", "parentId", "authorId"])
      .where("id", "=", input.parentId)
      .where("documentId", "=", document.id)
      .executeTakeFirst();
    if (!parent || parent.parentId !== null) throw new KnowledgeInputError({ body: ["Ce fil de discussion n'existe plus."] });
    parentAuthorId = parent.authorId;
  }
  return inTransaction(db, async (tx) => {
    const comment = await tx
      .insertInto("comments")
      .values({ documentId: document.id, parentId: input.parentId ?? null, authorId: actor.userId, body })
      .returning("id")
      .executeTakeFirstOrThrow();

    // Only members who may read the document are told about it: a draft's mentions stay within its CCAS.
    const members = await tx
      .selectFrom("users")
      .innerJoin("memberships", "memberships.userId", "users.id")
      .innerJoin("organisations", "organisations.id", "memberships.organisationId")
      .select(["users.id", "users.name", "users.email", "users.notifyByEmail", "memberships.organisationId", "memberships.role", "organisations.networkId"])
      .where("organisations.networkId", "=", document.networkId)
      .where("memberships.deactivatedAt", "is", null)
      .where("users.deactivatedAt", "is", null)
      .execute();
    const readers = members.filter((member) =>
      can({ userId: member.id, memberships: members.filter((row) => row.id === member.id).map(({ organisationId, role, networkId }) => ({ organisationId, role, networkId })) }, {
        action: "document.read",
        ...document,
      }),
    );
    const named = new Set(mentionedNames(body, readers.map((reader) => reader.name)));
    const recipients = new Map<string, { kind: "mention" | "reply"; email: string; notifyByEmail: boolean }>();
    for (const reader of readers) {
      if (reader.id === actor.userId || recipients.has(reader.id)) continue;
      if (named.has(reader.name)) recipients.set(reader.id, { kind: "mention", email: reader.email, notifyByEmail: reader.notifyByEmail });
      else if (reader.id === parentAuthorId) recipients.set(reader.id, { kind: "reply", email: reader.email, notifyByEmail: reader.notifyByEmail });
    }
    if (recipients.size) {
      await tx
        .insertInto("notifications")
        .values([...recipients].map(([userId, recipient]) => ({ userId, kind: recipient.kind, documentId: document.id, commentId: comment.id, actorUserId: actor.userId })))
        .execute();
      const author = members.find((member) => member.id === actor.userId)?.name ?? "Un membre du réseau";
      await enqueueMail(
        tx,
        [...recipients.values()]
          .filter((recipient) => recipient.notifyByEmail)
          .map((recipient) => ({
            kind: "comment" as const,
            referenceId: comment.id,
            to: recipient.email,
            subject: recipient.kind === "mention" ? `${author} vous a mentionné sur « ${document.title} »` : `${author} a répondu à votre commentaire sur « ${document.title} »`,
            text: `${author} a écrit :\n\n${body}\n\nPour lire et répondre : ${input.documentUrl}\n\nVous recevez ce message car vous l'avez demandé dans votre profil Tablée.`,
          })),
      );
    }
    return { id: comment.id, notified: recipients.size };
  });
}

export async function setCommentResolved(db: Executor, actor: Actor, input: { commentId: string; resolved: boolean }): Promise<void> {
  const comment = await db.selectFrom("comments").select(["id", "documentId", "authorId", "parentId"]).where("id", "=", input.commentId).executeTakeFirst();
  if (!comment || comment.parentId !== null) throw notFound();
  const document = await readableDocument(db, actor, comment.documentId);
  authorize(actor, { action: "comment.resolve", ...document, authorId: comment.authorId });
  await db
    .updateTable("comments")
    .set(input.resolved ? { resolvedAt: new Date(), resolvedBy: actor.userId } : { resolvedAt: null, resolvedBy: null })
    .where("id", "=", comment.id)
    .execute();
}
