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
  | { action: "membership.deactivate"; networkId: string; targetUserId: string }
  | { action: "document.create"; networkId: string }
  | ({ action: "document.read" } & DocumentFacts)
  | ({ action: "document.write" } & DocumentFacts)
  | ({ action: "document.changeOwner"; ownerUserId: string | null } & DocumentFacts)
  | { action: "roundtable.plan"; networkId: string }
  | { action: "meeting.manage"; networkId: string; hostOrganisationId: string }
  | { action: "agenda.propose"; networkId: string }
  | { action: "agenda.support"; networkId: string }
  | { action: "agenda.editItem"; networkId: string; hostOrganisationId: string; proposedByUserId: string | null }
  | { action: "attendance.register"; networkId: string; organisationId: string }
  | { action: "followUp.updateStatus"; networkId: string; hostOrganisationId: string; ownerOrganisationId: string }
  | { action: "practice.create"; networkId: string; organisationId: string }
  | { action: "wikiSection.create"; networkId: string }
  | { action: "wikiSection.manage"; networkId: string }
  | { action: "wikiPage.arrange"; networkId: string }
  | ({ action: "comment.create" } & DocumentFacts)
  | ({ action: "comment.resolve"; authorId: string | null } & DocumentFacts)
  | { action: "purchase.create"; networkId: string; coordinatingOrganisationId: string }
  | { action: "purchase.manage"; networkId: string; coordinatingOrganisationId: string }
  | { action: "purchase.respond"; networkId: string; organisationId: string }
  | { action: "convention.manage"; networkId: string; partyOrganisationIds: string[] }
  | { action: "abs.update"; networkId: string; organisationId: string };

/** What the rules need to know of a rich-text document. */
export interface DocumentFacts {
  networkId: string;
  kind: "note" | "wiki" | "practice" | "minutes" | "agenda_notes";
  ownerOrganisationId: string | null;
  visibility: "network" | "organisation";
}

function membershipsIn(actor: Actor, networkId: string): ActorMembership[] {
  return actor.memberships.filter((membership) => membership.networkId === networkId);
}

export function isCoordinatorOf(actor: Actor, networkId: string): boolean {
  return membershipsIn(actor, networkId).some((membership) => membership.role === "coordinator");
}

function isMemberOf(actor: Actor, organisationId: string | null): boolean {
  return organisationId !== null && actor.memberships.some((membership) => membership.organisationId === organisationId);
}

function isDirectorOf(actor: Actor, organisationId: string): boolean {
  return actor.memberships.some(
    (membership) => membership.organisationId === organisationId && membership.role === "director",
  );
}

/** The host CCAS's director or elected officials run their meeting with the coordinators; its staff do not. */
function managesHostOf(actor: Actor, hostOrganisationId: string): boolean {
  return actor.memberships.some(
    (membership) =>
      membership.organisationId === hostOrganisationId && (membership.role === "director" || membership.role === "elected"),
  );
}

/**
 * The CCAS whose drafts (visibility 'organisation') this actor reads in a network: their own, coordinators included.
 * Used by `document.read` below and, as a filter, by search, which cannot call `can` row by row.
 */
export function draftReadableOrganisationIds(actor: Actor, networkId: string): string[] {
  return membershipsIn(actor, networkId).map((membership) => membership.organisationId);
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
    case "document.create":
      return membershipsIn(actor, networkId).length > 0;
    case "document.read":
      if (membershipsIn(actor, networkId).length === 0) return false;
      // A CCAS's draft stays within that CCAS, coordinators included.
      return (
        permission.visibility === "network" ||
        (permission.ownerOrganisationId !== null &&
          draftReadableOrganisationIds(actor, networkId).includes(permission.ownerOrganisationId))
      );
    case "document.write":
      if (!can(actor, { ...permission, action: "document.read" })) return false;
      // A practice note is its CCAS's account of what it did: others read it, only its CCAS edits it.
      return permission.kind !== "practice" || isMemberOf(actor, permission.ownerOrganisationId);
    case "document.changeOwner":
      // The responsible hands their page over; the coordinators reassign any (someone left, an orphaned page).
      if (!can(actor, { ...permission, action: "document.write" })) return false;
      if (isCoordinatorOf(actor, networkId) || (permission.ownerUserId !== null && permission.ownerUserId === actor.userId)) return true;
      // A practice note is its CCAS's: that CCAS's director also names who answers for it.
      return permission.kind === "practice" && permission.ownerOrganisationId !== null && isDirectorOf(actor, permission.ownerOrganisationId);
    case "roundtable.plan":
      return isCoordinatorOf(actor, networkId);
    case "meeting.manage":
      return isCoordinatorOf(actor, networkId) || managesHostOf(actor, permission.hostOrganisationId);
    case "agenda.propose":
    case "agenda.support":
      return membershipsIn(actor, networkId).length > 0;
    case "agenda.editItem":
      // Members edit their own proposals; the host and the coordinators edit any item.
      if (membershipsIn(actor, networkId).length === 0) return false;
      return permission.proposedByUserId === actor.userId || can(actor, { ...permission, action: "meeting.manage" });
    case "attendance.register":
      // Each CCAS says who it sends; the coordinators may do it for any.
      return isCoordinatorOf(actor, networkId) || isMemberOf(actor, permission.organisationId);
    case "followUp.updateStatus":
      // The CCAS that owns an action reports on it; the meeting's managers too.
      return can(actor, { ...permission, action: "meeting.manage" }) || isMemberOf(actor, permission.ownerOrganisationId);
    case "practice.create":
      // A practice note is written in the name of one's own CCAS only.
      return membershipsIn(actor, networkId).some((membership) => membership.organisationId === permission.organisationId);
    case "wikiSection.create":
      // Anyone who writes a page may file it in a new section (an import brings its folders).
      return membershipsIn(actor, networkId).length > 0;
    case "wikiSection.manage":
      // Renaming, moving and deleting sections reshapes everyone's wiki: the coordinators do it.
      return isCoordinatorOf(actor, networkId);
    case "wikiPage.arrange":
      // Ordering a section's pages and moving a page to another section (from the contents, the page's form or the API), likewise.
      return isCoordinatorOf(actor, networkId);
    case "comment.create":
      // Whoever reads a page or note may comment on it, even one they may not edit (another CCAS's note).
      return can(actor, { ...permission, action: "document.read" });
    case "comment.resolve":
      if (!can(actor, { ...permission, action: "document.read" })) return false;
      return permission.authorId === actor.userId || can(actor, { ...permission, action: "document.write" });
    case "purchase.create":
    case "purchase.manage":
      // Offers and the award belong to the coordinating CCAS's director and to the network's coordinators.
      return isCoordinatorOf(actor, networkId) || isDirectorOf(actor, permission.coordinatingOrganisationId);
    case "purchase.respond":
      // A CCAS's need, board approval and order commit its budget: its own director answers, nobody else.
      return membershipsIn(actor, networkId).length > 0 && isDirectorOf(actor, permission.organisationId);
    case "convention.manage":
      return isCoordinatorOf(actor, networkId) || permission.partyOrganisationIds.some((id) => isDirectorOf(actor, id));
    case "abs.update":
      return isCoordinatorOf(actor, networkId) || isDirectorOf(actor, permission.organisationId);
  }
}

/** Roles this actor may offer when inviting into an organisation. */
export function invitableRoles(actor: Actor, networkId: string, organisationId: string, all: readonly Role[]): Role[] {
  return all.filter((role) => can(actor, { action: "invitation.create", networkId, organisationId, role }));
}
