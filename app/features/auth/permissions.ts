import type { Role } from "./roles.ts";

/**
 * Who may do what: the one place where Tablée decides. Pure, so that it is
 * unit-tested exhaustively; the `*.server.ts` guards load the actor and call it.
 */

export interface ActorMembership {
  organisationId: string;
  networkId: string;
  role: Role;
}

export interface Actor {
  userId: string;
  /** Active memberships only: deactivated ones grant nothing. */
  memberships: ActorMembership[];
}

export type Permission =
  | { action: "network.view"; networkId: string }
  | { action: "network.administer"; networkId: string }
  | { action: "audit.view"; networkId: string }
  | { action: "organisation.create"; networkId: string }
  | { action: "organisation.edit"; networkId: string; organisationId: string }
  | { action: "invitation.create"; networkId: string; organisationId: string; role: Role }
  | { action: "membership.changeRole"; networkId: string; targetUserId: string; newRole: Role }
  | { action: "membership.deactivate"; networkId: string; targetUserId: string };

function membershipsIn(actor: Actor, networkId: string): ActorMembership[] {
  return actor.memberships.filter((membership) => membership.networkId === networkId);
}

export function isCoordinatorOf(actor: Actor, networkId: string): boolean {
  return membershipsIn(actor, networkId).some((membership) => membership.role === "coordinator");
}

function isDirectorOf(actor: Actor, organisationId: string): boolean {
  return actor.memberships.some(
    (membership) => membership.organisationId === organisationId && membership.role === "director",
  );
}

export function can(actor: Actor | null, permission: Permission): boolean {
  if (!actor) return false;
  const { networkId } = permission;
  switch (permission.action) {
    case "network.view":
      return membershipsIn(actor, networkId).length > 0;
    case "network.administer":
    case "audit.view":
    case "organisation.create":
      return isCoordinatorOf(actor, networkId);
    case "organisation.edit":
      return isCoordinatorOf(actor, networkId) || isDirectorOf(actor, permission.organisationId);
    case "invitation.create":
      if (isCoordinatorOf(actor, networkId)) return true;
      // A director staffs their own CCAS, but only the network's coordinators name coordinators.
      return permission.role !== "coordinator" && isDirectorOf(actor, permission.organisationId);
    case "membership.changeRole":
    case "membership.deactivate":
      // Nobody demotes or locks out themselves: another coordinator must do it.
      return isCoordinatorOf(actor, networkId) && permission.targetUserId !== actor.userId;
  }
}

/** Roles this actor may offer when inviting into an organisation. */
export function invitableRoles(actor: Actor, networkId: string, organisationId: string, all: readonly Role[]): Role[] {
  return all.filter((role) => can(actor, { action: "invitation.create", networkId, organisationId, role }));
}
