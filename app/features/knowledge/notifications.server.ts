import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import { can, type Actor } from "../auth/permissions.ts";

/** In-app notifications (mentions and replies in comments), listed from the header. */

export async function unreadNotificationCount(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("userId", "=", userId)
    .where("readAt", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The latest notifications, leaving out documents the user may no longer read (a note turned back into a draft). */
export async function listNotifications(db: Executor, actor: Actor) {
  const rows = await db
    .selectFrom("notifications")
    .innerJoin("documents", "documents.id", "notifications.documentId")
    .innerJoin("networks", "networks.id", "documents.networkId")
    .leftJoin("users as actorUser", "actorUser.id", "notifications.actorUserId")
    .leftJoin("comments", "comments.id", "notifications.commentId")
    .select([
      "notifications.id",
      "notifications.kind",
      "notifications.createdAt",
      "notifications.readAt",
      "documents.id as documentId",
      "documents.kind as documentKind",
      "documents.title as documentTitle",
      "documents.networkId",
      "documents.ownerOrganisationId",
      "documents.visibility",
      "networks.slug as networkSlug",
      "actorUser.name as actorName",
      "comments.body as commentBody",
    ])
    .where("notifications.userId", "=", actor.userId)
    .orderBy("notifications.createdAt", "desc")
    .limit(100)
    .execute();
  return rows.filter((row) => can(actor, { action: "document.read", ...row, kind: row.documentKind }));
}

export async function markNotificationsRead(db: Executor, userId: string): Promise<void> {
  await db.updateTable("notifications").set({ readAt: new Date() }).where("userId", "=", userId).where("readAt", "is", null).execute();
}

export async function setEmailNotifications(db: Executor, userId: string, enabled: boolean): Promise<void> {
  await db.updateTable("users").set({ notifyByEmail: enabled }).where("id", "=", userId).execute();
}
