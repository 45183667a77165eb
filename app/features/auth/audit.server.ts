import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";

export type AuditAction =
  | "sign_in"
  | "sign_in_failed"
  | "sign_in_throttled"
  | "sign_out"
  | "password_reset_requested"
  | "password_reset_completed"
  | "invitation_created"
  | "invitation_accepted"
  | "role_changed"
  | "membership_deactivated"
  | "account_deactivated"
  | "organisation_created"
  | "organisation_updated"
  | "network_created"
  | "meeting_created"
  | "meeting_status_changed"
  | "meeting_updated"
  | "agenda_item_decided"
  | "rotation_changed"
  | "purchase_updated"
  | "convention_updated"
  | "document_owner_changed"
  | "practice_owner_changed";

export interface AuditEntry {
  action: AuditAction;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  organisationId?: string | null;
  networkId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("auditEvents")
    .values({
      action: entry.action,
      actorUserId: entry.actorUserId ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      organisationId: entry.organisationId ?? null,
      networkId: entry.networkId ?? null,
      detail: entry.detail ?? {},
      ip: entry.ip ?? null,
    })
    .execute();
}

export interface AuditRow {
  id: number;
  action: string;
  createdAt: Date;
  ip: string | null;
  detail: Record<string, unknown>;
  actorName: string | null;
  subjectName: string | null;
  subjectEmail: string | null;
  organisationName: string | null;
}

/**
 * A network's log: events recorded for it, and account events (sign-ins,
 * failures, resets) of people who are members of it.
 */
export async function listNetworkAudit(db: Executor, networkId: string, limit = 200): Promise<AuditRow[]> {
  const networkUsers = db
    .selectFrom("memberships")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("organisations.networkId", "=", networkId)
    .select("memberships.userId");
  return db
    .selectFrom("auditEvents as e")
    .leftJoin("users as actor", "actor.id", "e.actorUserId")
    .leftJoin("users as subject", "subject.id", "e.subjectUserId")
    .leftJoin("organisations as o", "o.id", "e.organisationId")
    .where((eb) =>
      eb.or([
        eb("e.networkId", "=", networkId),
        eb.and([eb("e.networkId", "is", null), eb("e.subjectUserId", "in", networkUsers)]),
      ]),
    )
    .select([
      "e.id",
      "e.action",
      "e.createdAt",
      "e.ip",
      "e.detail",
      "actor.name as actorName",
      "subject.name as subjectName",
      "subject.email as subjectEmail",
      "o.name as organisationName",
    ])
    .orderBy("e.createdAt", "desc")
    .orderBy("e.id", "desc")
    .limit(limit)
    .execute();
}

export async function countAudit(db: Executor, action: AuditAction): Promise<number> {
  const row = await db
    .selectFrom("auditEvents")
    .where("action", "=", action)
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return row.n;
}
