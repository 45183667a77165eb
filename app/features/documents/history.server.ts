import type { Executor } from "../../../db/client.ts";
import type { Realtime } from "../../../realtime/server.ts";
import { formatDateTime } from "../../i18n/format.ts";
import { createRevision, getRevision } from "./persistence.server.ts";

/**
 * Restores a version by changing the live document to match it, as an edit
 * everyone connected sees; the current state is kept as a version first, so
 * nothing is lost.
 */
export async function restoreRevision(
  db: Executor,
  realtime: Realtime,
  input: { documentId: string; revisionId: number; userId: string },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const revision = await getRevision(db, input.documentId, input.revisionId);
  if (!revision) return { ok: false, message: "Cette version n'existe pas." };
  await createRevision(db, input.documentId, { label: "Avant restauration", reason: "restore", userId: input.userId });
  const update = await realtime.registry.replaceContent(input.documentId, revision.contentJson, input.userId);
  realtime.broadcastUpdate(input.documentId, update);
  await createRevision(db, input.documentId, {
    label: `Restauration de « ${revision.label} » (${formatDateTime(revision.createdAt)})`,
    reason: "restore",
    userId: input.userId,
  });
  return { ok: true };
}
