import { inTransaction, type Executor } from "../../../db/client.ts";
import type { Role } from "../../../db/schema.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { revokeAllSessions } from "../auth/sessions.server.ts";

export interface NetworkMember {
  membershipId: string;
  userId: string;
  name: string;
  email: string;
  jobTitle: string | null;
  role: Role;
  organisationId: string;
  organisationName: string;
  deactivatedAt: Date | null;
}

/** Who is a member of the network today: active memberships of active accounts (join users and organisations). */
export function activeMemberships(db: Executor, networkId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("organisations.networkId", "=", networkId)
    .where("memberships.deactivatedAt", "is", null)
    .where("users.deactivatedAt", "is", null);
}

export async function listNetworkMembers(db: Executor, networkId: string): Promise<NetworkMember[]> {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("organisations.networkId", "=", networkId)
    .select([
      "memberships.id as membershipId",
      "users.id as userId",
      "users.name",
      "users.email",
      "users.jobTitle",
      "memberships.role",
      "organisations.id as organisationId",
      "organisations.name as organisationName",
      "memberships.deactivatedAt",
    ])
    .orderBy("organisations.communeName")
    .orderBy("users.name")
    .execute();
}

async function findMembershipInNetwork(db: Executor, networkId: string, membershipId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("memberships.id", "=", membershipId)
    .where("organisations.networkId", "=", networkId)
    .select(["memberships.id", "memberships.userId", "memberships.role", "memberships.organisationId", "memberships.deactivatedAt"])
    .executeTakeFirst();
}

export type MemberChangeResult = { ok: true } | { ok: false; message: string };

export async function changeMemberRole(
  db: Executor,
  input: { actor: Actor; networkId: string; membershipId: string; role: Role; ip: string | null },
): Promise<MemberChangeResult> {
  const membership = await findMembershipInNetwork(db, input.networkId, input.membershipId);
  if (!membership) return { ok: false, message: "Ce membre n'existe pas dans ce réseau." };
  authorize(input.actor, {
    action: "membership.changeRole",
    networkId: input.networkId,
    targetUserId: membership.userId,
    newRole: input.role,
  });
  if (membership.deactivatedAt) return { ok: false, message: "Ce membre est désactivé." };
  if (membership.role === input.role) return { ok: true };
  await inTransaction(db, async (tx) => {
    await tx.updateTable("memberships").set({ role: input.role }).where("id", "=", membership.id).execute();
    await recordAudit(tx, {
      action: "role_changed",
      actorUserId: input.actor.userId,
      subjectUserId: membership.userId,
      organisationId: membership.organisationId,
      networkId: input.networkId,
      ip: input.ip,
      detail: { from: membership.role, to: input.role },
    });
  });
  return { ok: true };
}

/** Ends a membership and, at once, every session of that person. */
export async function deactivateMember(
  db: Executor,
  input: { actor: Actor; networkId: string; membershipId: string; ip: string | null },
  now = new Date(),
): Promise<MemberChangeResult> {
  const membership = await findMembershipInNetwork(db, input.networkId, input.membershipId);
  if (!membership) return { ok: false, message: "Ce membre n'existe pas dans ce réseau." };
  authorize(input.actor, { action: "membership.deactivate", networkId: input.networkId, targetUserId: membership.userId });
  if (membership.deactivatedAt) return { ok: true };
  await inTransaction(db, async (tx) => {
    await tx.updateTable("memberships").set({ deactivatedAt: now }).where("id", "=", membership.id).execute();
    await revokeAllSessions(tx, membership.userId);
    await recordAudit(tx, {
      action: "membership_deactivated",
      actorUserId: input.actor.userId,
      subjectUserId: membership.userId,
      organisationId: membership.organisationId,
      networkId: input.networkId,
      ip: input.ip,
    });
  });
  return { ok: true };
}

export async function reactivateMember(
  db: Executor,
  input: { actor: Actor; networkId: string; membershipId: string; ip: string | null },
): Promise<MemberChangeResult> {
  const membership = await findMembershipInNetwork(db, input.networkId, input.membershipId);
  if (!membership) return { ok: false, message: "Ce membre n'existe pas dans ce réseau." };
  authorize(input.actor, { action: "membership.deactivate", networkId: input.networkId, targetUserId: membership.userId });
  await db.updateTable("memberships").set({ deactivatedAt: null }).where("id", "=", membership.id).execute();
  return { ok: true };
}

export async function listMembershipsOfUser(db: Executor, userId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .innerJoin("networks", "networks.id", "organisations.networkId")
    .where("memberships.userId", "=", userId)
    .where("memberships.deactivatedAt", "is", null)
    .select([
      "memberships.role",
      "organisations.id as organisationId",
      "organisations.name as organisationName",
      "networks.name as networkName",
      "networks.slug as networkSlug",
    ])
    .orderBy("networks.name")
    .execute();
}
