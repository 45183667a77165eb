import type { Actor } from "../auth/permissions.ts";
import type { Upload } from "../../http/uploads.server.ts";
import { formatDate } from "../../i18n/format.ts";
import {
  addAttachment,
  AttachmentInputError,
  deleteAttachment,
  ownerAccess,
  tooLargeMessage,
  type AttachmentOwner,
  type AttachmentOwnerKind,
  type AttachmentSummary,
} from "./attachments.server.ts";
import { forbidden, notFound } from "../auth/guards.server.ts";

/**
 * The pages' side of attachments, the same on every page that has them: an
 * upload (multipart form) or a deletion (asked, then confirmed) turned into
 * a result the `Attachments` component shows next to its owner's file field.
 */

export type AttachmentResult =
  | { kind: "attach"; ok: boolean; ownerId: string; message: string }
  | { kind: "confirm-delete"; ownerId: string; attachmentId: string; fileName: string };

export interface AttachmentView {
  id: string;
  ownerId: string;
  fileName: string;
  size: string;
  uploaderName: string | null;
  addedOn: string;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
  return `${(bytes / 1024 / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;
}

export function attachmentViews(attachments: AttachmentSummary[]): AttachmentView[] {
  return attachments.map((attachment) => ({
    id: attachment.id,
    ownerId: attachment.ownerId,
    fileName: attachment.fileName,
    size: formatBytes(attachment.sizeBytes),
    uploaderName: attachment.uploaderName,
    addedOn: formatDate(attachment.createdAt),
  }));
}

/**
 * Stores the uploaded `file` field for `owner` (chosen from the form's other fields). Who may not
 * change the owner gets a 403 (404 outside its network) whatever the file; a refused file, a French message.
 */
export async function attachUpload(
  db: Parameters<typeof addAttachment>[0],
  uploadDir: string,
  actor: Actor,
  input: { upload: Upload; networkId: string; owner: (fields: FormData | undefined) => AttachmentOwner | undefined },
): Promise<AttachmentResult> {
  const owner = input.owner(input.upload.formData);
  if (!owner) throw notFound();
  const access = await ownerAccess(db, actor, owner);
  if (!access || !access.canRead || access.networkId !== input.networkId) throw notFound();
  if (!access.canWrite) throw forbidden();
  const refuse = (message: string): AttachmentResult => ({ kind: "attach", ok: false, ownerId: owner.id, message });
  if (!input.upload.ok) return refuse(input.upload.tooLarge ? tooLargeMessage : "Envoi illisible : réessayez.");
  const file = input.upload.formData.get("file");
  if (!(file instanceof Blob) || file.size === 0) return refuse("Choisissez un fichier à joindre.");
  const fileName = "name" in file && typeof file.name === "string" ? file.name : "fichier";
  try {
    await addAttachment(db, uploadDir, actor, { owner, networkId: input.networkId, fileName, bytes: new Uint8Array(await file.arrayBuffer()) });
  } catch (error) {
    if (error instanceof AttachmentInputError) return refuse(error.message);
    throw error;
  }
  return { kind: "attach", ok: true, ownerId: owner.id, message: `Pièce jointe « ${fileName} » ajoutée.` };
}

/**
 * `intent=delete-attachment`: first asks for confirmation, then (with `confirm=oui`) deletes. Only who may
 * change the owner is asked or obeyed (403; 404 for a file of another page); a file already gone is said so.
 */
export async function deleteFromForm(
  db: Parameters<typeof deleteAttachment>[0],
  uploadDir: string,
  actor: Actor,
  formData: FormData,
  scope: { networkId: string; ownerKind: AttachmentOwnerKind; ownerIds: string[] },
): Promise<AttachmentResult> {
  const attachmentId = String(formData.get("attachmentId") ?? "");
  const given = String(formData.get("ownerId") ?? "");
  const found = await deleteAttachment(db, uploadDir, actor, { attachmentId, ...scope, dryRun: formData.get("confirm") !== "oui" });
  if (!found) {
    const ownerId = scope.ownerIds.includes(given) ? given : (scope.ownerIds[0] ?? "");
    return { kind: "attach", ok: false, ownerId, message: "Cette pièce jointe n'existe plus." };
  }
  if (formData.get("confirm") !== "oui") return { kind: "confirm-delete", ownerId: found.ownerId, attachmentId, fileName: found.fileName };
  return { kind: "attach", ok: true, ownerId: found.ownerId, message: `Pièce jointe « ${found.fileName} » supprimée.` };
}
