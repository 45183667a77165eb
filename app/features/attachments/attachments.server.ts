import { randomUUID } from "node:crypto";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import type { Executor } from "../../../db/client.ts";
import { forbidden, notFound } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { findDocument } from "../documents/documents.server.ts";

/**
 * Files attached to something of a network: a watch page or practice note, a
 * purchase offer, a convention. One table, one storage and one set of checks
 * for all: the type is decided by the content (magic bytes), never by the name
 * or what the browser claims; files are stored under UPLOAD_DIR by a random key
 * and served only to those who may read their owner. Who may add or remove one
 * is decided by the owner's own permission (`ownerAccess`).
 */

export type AttachmentOwnerKind = "document" | "offer" | "convention";
export interface AttachmentOwner {
  kind: AttachmentOwnerKind;
  id: string;
}

const ownerColumn = { document: "documentId", offer: "purchaseOfferId", convention: "conventionId" } as const;

/** A refused file: the French message goes next to the file field. */
export class AttachmentInputError extends Error {}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Detected type → the extensions a file of that type may carry. */
const ACCEPTED: Record<string, { label: string; extensions: string[] }> = {
  "application/pdf": { label: "PDF", extensions: ["pdf"] },
  "image/png": { label: "image PNG", extensions: ["png"] },
  "image/jpeg": { label: "image JPEG", extensions: ["jpg", "jpeg"] },
  "image/gif": { label: "image GIF", extensions: ["gif"] },
  "image/webp": { label: "image WebP", extensions: ["webp"] },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { label: "Word", extensions: ["docx"] },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { label: "Excel", extensions: ["xlsx"] },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { label: "PowerPoint", extensions: ["pptx"] },
  "application/vnd.oasis.opendocument.text": { label: "OpenDocument texte", extensions: ["odt"] },
  "application/vnd.oasis.opendocument.spreadsheet": { label: "OpenDocument tableur", extensions: ["ods"] },
  "application/vnd.oasis.opendocument.presentation": { label: "OpenDocument présentation", extensions: ["odp"] },
  "application/x-cfb": { label: "Office 97-2003", extensions: ["doc", "xls", "ppt"] },
};
const TEXT_EXTENSIONS: Record<string, string> = { txt: "text/plain; charset=utf-8", csv: "text/csv; charset=utf-8" };

export const acceptedAttachmentsHint = "PDF, Word, Excel, PowerPoint, OpenDocument, images (PNG, JPEG, GIF, WebP), texte ou CSV ; 10 Mo au plus.";
export const tooLargeMessage = "Le fichier dépasse 10 Mo : réduisez-le ou partagez un lien.";

function extensionOf(fileName: string): string {
  return path.extname(fileName).slice(1).toLowerCase();
}

/** A display name without paths or control characters. */
export function cleanFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "").trim().slice(0, 180);
  return cleaned || "fichier";
}

function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The content type to store for these bytes, or a French reason to refuse them. */
export async function checkAttachment(fileName: string, bytes: Uint8Array): Promise<{ ok: true; contentType: string } | { ok: false; message: string }> {
  const name = cleanFileName(fileName);
  if (bytes.byteLength === 0) return { ok: false, message: `« ${name} » est vide.` };
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) return { ok: false, message: `« ${name} » dépasse 10 Mo.` };
  const extension = extensionOf(name);
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected) {
    if (TEXT_EXTENSIONS[extension] && looksLikeText(bytes)) return { ok: true, contentType: TEXT_EXTENSIONS[extension]! };
    return { ok: false, message: `Le contenu de « ${name} » n'est pas d'un type accepté (${acceptedAttachmentsHint})` };
  }
  const accepted = ACCEPTED[detected.mime];
  if (!accepted) return { ok: false, message: `Le contenu de « ${name} » n'est pas d'un type accepté (${acceptedAttachmentsHint})` };
  if (!accepted.extensions.includes(extension)) {
    return { ok: false, message: `« ${name} » est en réalité un fichier ${accepted.label} : son extension ne correspond pas à son contenu.` };
  }
  return { ok: true, contentType: detected.mime };
}

function storagePath(uploadDir: string, storageKey: string): string {
  return path.join(uploadDir, "attachments", storageKey);
}

export interface OwnerAccess {
  networkId: string;
  canRead: boolean;
  canWrite: boolean;
}

/**
 * Who may read and change the files of an owner, by the owner's own rules:
 * a page or note's readers and writers; an offer's purchase is read by the
 * network and managed by the coordinating CCAS and the coordinators; a
 * convention is read by the network and managed by its parties' directors and
 * the coordinators. Undefined when the owner does not exist.
 */
export async function ownerAccess(db: Executor, actor: Actor, owner: AttachmentOwner): Promise<OwnerAccess | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(owner.id)) return undefined;
  switch (owner.kind) {
    case "document": {
      const document = await findDocument(db, owner.id);
      if (!document || (document.kind !== "wiki" && document.kind !== "practice")) return undefined;
      return { networkId: document.networkId, canRead: can(actor, { action: "document.read", ...document }), canWrite: can(actor, { action: "document.write", ...document }) };
    }
    case "offer": {
      const purchase = await db
        .selectFrom("purchaseOffers")
        .innerJoin("groupPurchases", "groupPurchases.id", "purchaseOffers.purchaseId")
        .select(["groupPurchases.networkId", "groupPurchases.coordinatingOrganisationId"])
        .where("purchaseOffers.id", "=", owner.id)
        .executeTakeFirst();
      if (!purchase) return undefined;
      return {
        networkId: purchase.networkId,
        canRead: can(actor, { action: "network.view", networkId: purchase.networkId }),
        canWrite: can(actor, { action: "purchase.manage", ...purchase }),
      };
    }
    case "convention": {
      const convention = await db.selectFrom("conventions").select("networkId").where("id", "=", owner.id).executeTakeFirst();
      if (!convention) return undefined;
      const parties = await db.selectFrom("conventionParties").select("organisationId").where("conventionId", "=", owner.id).execute();
      return {
        networkId: convention.networkId,
        canRead: can(actor, { action: "network.view", networkId: convention.networkId }),
        canWrite: can(actor, { action: "convention.manage", networkId: convention.networkId, partyOrganisationIds: parties.map((party) => party.organisationId) }),
      };
    }
  }
}

/** The owner, readable by this actor within this network; a 404 otherwise, a 403 when `write` is asked and refused. */
async function requireOwner(db: Executor, actor: Actor, owner: AttachmentOwner, networkId: string | null, write: boolean): Promise<OwnerAccess> {
  const access = await ownerAccess(db, actor, owner);
  if (!access || !access.canRead || (networkId !== null && access.networkId !== networkId)) throw notFound();
  if (write && !access.canWrite) throw forbidden();
  return access;
}

export async function addAttachment(
  db: Executor,
  uploadDir: string,
  actor: Actor,
  input: { owner: AttachmentOwner; networkId?: string; fileName: string; bytes: Uint8Array },
): Promise<{ id: string }> {
  await requireOwner(db, actor, input.owner, input.networkId ?? null, true);
  const checked = await checkAttachment(input.fileName, input.bytes);
  if (!checked.ok) throw new AttachmentInputError(checked.message);
  const storageKey = randomUUID();
  const target = storagePath(uploadDir, storageKey);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, input.bytes, { flag: "wx" });
  try {
    return await db
      .insertInto("attachments")
      .values({
        [ownerColumn[input.owner.kind]]: input.owner.id,
        fileName: cleanFileName(input.fileName),
        contentType: checked.contentType,
        sizeBytes: input.bytes.byteLength,
        storageKey,
        uploadedBy: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
  } catch (error) {
    // No file without its row.
    await unlink(target).catch(() => {});
    throw error;
  }
}

export interface AttachmentSummary {
  id: string;
  ownerId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  createdAt: Date;
  uploaderName: string | null;
}

/** The files of owners of one kind (callers have checked that the reader may read them). */
export async function listAttachments(db: Executor, kind: AttachmentOwnerKind, ownerIds: string[]): Promise<AttachmentSummary[]> {
  if (ownerIds.length === 0) return [];
  const column = `attachments.${ownerColumn[kind]}` as const;
  const rows = await db
    .selectFrom("attachments")
    .leftJoin("users", "users.id", "attachments.uploadedBy")
    .select([
      "attachments.id",
      `${column} as ownerId`,
      "attachments.fileName",
      "attachments.contentType",
      "attachments.sizeBytes",
      "attachments.createdAt",
      "users.name as uploaderName",
    ])
    .where(column, "in", ownerIds)
    .orderBy("attachments.createdAt")
    .orderBy("attachments.id")
    .execute();
  return rows.map((row) => ({ ...row, ownerId: row.ownerId!, sizeBytes: Number(row.sizeBytes) }));
}

async function findAttachment(db: Executor, attachmentId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(attachmentId)) return undefined;
  return db.selectFrom("attachments").selectAll().where("id", "=", attachmentId).executeTakeFirst();
}

function ownerOf(attachment: { documentId: string | null; purchaseOfferId: string | null; conventionId: string | null }): AttachmentOwner {
  if (attachment.documentId) return { kind: "document", id: attachment.documentId };
  if (attachment.purchaseOfferId) return { kind: "offer", id: attachment.purchaseOfferId };
  return { kind: "convention", id: attachment.conventionId! };
}

/** The bytes of an attachment for a reader of its owner in this network; anything else is a 404. */
export async function readAttachment(db: Executor, uploadDir: string, actor: Actor, networkId: string, attachmentId: string) {
  const attachment = await findAttachment(db, attachmentId);
  if (!attachment) throw notFound();
  await requireOwner(db, actor, ownerOf(attachment), networkId, false);
  const bytes = await readFile(storagePath(uploadDir, attachment.storageKey)).catch(() => {
    throw notFound("Ce fichier n'est plus disponible.");
  });
  return { fileName: attachment.fileName, contentType: attachment.contentType, bytes };
}

/**
 * Removes a file for someone who may change its owner (`dryRun`: only checks, to ask for confirmation).
 * `ownerKind` and `ownerIds`, when given, are the page the request came from: a file of anything else is
 * not found there. Returns the file's name, or undefined when there is no such file (any more).
 */
export async function deleteAttachment(
  db: Executor,
  uploadDir: string,
  actor: Actor,
  input: { attachmentId: string; networkId?: string; ownerKind?: AttachmentOwnerKind; ownerIds?: string[]; dryRun?: boolean },
): Promise<{ fileName: string; ownerId: string } | undefined> {
  const attachment = await findAttachment(db, input.attachmentId);
  if (!attachment) return undefined;
  const owner = ownerOf(attachment);
  if ((input.ownerKind && owner.kind !== input.ownerKind) || (input.ownerIds && !input.ownerIds.includes(owner.id))) throw notFound();
  await requireOwner(db, actor, owner, input.networkId ?? null, true);
  if (!input.dryRun) {
    await db.deleteFrom("attachments").where("id", "=", attachment.id).execute();
    await unlink(storagePath(uploadDir, attachment.storageKey)).catch(() => {});
  }
  return { fileName: attachment.fileName, ownerId: owner.id };
}

/** `Content-Disposition` that keeps accents (RFC 6266) and cannot be broken by the name. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
