import { randomUUID } from "node:crypto";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import type { Executor } from "../../../db/client.ts";
import { authorize, notFound } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { findDocument } from "../documents/documents.server.ts";
import { KnowledgeInputError } from "./knowledge.server.ts";

/**
 * Files attached to watch pages and practice notes. The type is decided by the
 * content (magic bytes), never by the name or what the browser claims; files are
 * stored under UPLOAD_DIR by a random key and served only to those who may
 * read the document.
 */

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

async function requireDocument(db: Executor, actor: Actor, documentId: string, action: "document.read" | "document.write") {
  const document = await findDocument(db, documentId);
  if (!document || (document.kind !== "wiki" && document.kind !== "practice") || !can(actor, { action: "document.read", ...document })) throw notFound();
  authorize(actor, { action, ...document });
  return document;
}

export async function addAttachment(
  db: Executor,
  uploadDir: string,
  actor: Actor,
  input: { documentId: string; fileName: string; bytes: Uint8Array },
): Promise<{ id: string }> {
  await requireDocument(db, actor, input.documentId, "document.write");
  const checked = await checkAttachment(input.fileName, input.bytes);
  if (!checked.ok) throw new KnowledgeInputError({ file: [checked.message] });
  const storageKey = randomUUID();
  const target = storagePath(uploadDir, storageKey);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, input.bytes, { flag: "wx" });
  try {
    return await db
      .insertInto("attachments")
      .values({
        documentId: input.documentId,
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

export async function listAttachments(db: Executor, documentId: string) {
  return db
    .selectFrom("attachments")
    .leftJoin("users", "users.id", "attachments.uploadedBy")
    .select(["attachments.id", "attachments.fileName", "attachments.contentType", "attachments.sizeBytes", "attachments.createdAt", "users.name as uploaderName"])
    .where("attachments.documentId", "=", documentId)
    .orderBy("attachments.createdAt")
    .execute();
}

async function findAttachment(db: Executor, attachmentId: string) {
  return db.selectFrom("attachments").selectAll().where("id", "=", attachmentId).executeTakeFirst();
}

/** The bytes of an attachment for a reader of its document; anything else is a 404. */
export async function readAttachment(db: Executor, uploadDir: string, actor: Actor, networkId: string, attachmentId: string) {
  const attachment = await findAttachment(db, attachmentId);
  if (!attachment) throw notFound();
  const document = await requireDocument(db, actor, attachment.documentId, "document.read");
  if (document.networkId !== networkId) throw notFound();
  const bytes = await readFile(storagePath(uploadDir, attachment.storageKey)).catch(() => {
    throw notFound("Ce fichier n'est plus disponible.");
  });
  return { fileName: attachment.fileName, contentType: attachment.contentType, bytes };
}

export async function deleteAttachment(db: Executor, uploadDir: string, actor: Actor, attachmentId: string): Promise<void> {
  const attachment = await findAttachment(db, attachmentId);
  if (!attachment) return;
  await requireDocument(db, actor, attachment.documentId, "document.write");
  await db.deleteFrom("attachments").where("id", "=", attachmentId).execute();
  await unlink(storagePath(uploadDir, attachment.storageKey)).catch(() => {});
}

/** `Content-Disposition` that keeps accents (RFC 6266) and cannot be broken by the name. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
