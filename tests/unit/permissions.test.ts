import { describe, expect, it } from "vitest";
import { can, draftReadableOrganisationIds, invitableRoles, isCoordinatorOf, type Actor, type Permission } from "../../app/features/auth/permissions.ts";
import { roles, type Role } from "../../app/features/auth/roles.ts";

/**
 * The permission policy, action by action, for every kind of actor. The
 * expected answers are written out by hand: they are the product's rules
 * (ARCHITECTURE.md, DOMAIN.md), not a copy of the implementation.
 */

const NET = "network-val-parisis";
const OTHER_NET = "network-pays-haut";
const ORG_A = "org-ermont";
const ORG_B = "org-franconville";
const ORG_X = "org-villerupt";

const actor = (userId: string, ...memberships: Array<[string, string, Role]>): Actor => ({
  userId,
  memberships: memberships.map(([organisationId, networkId, role]) => ({ organisationId, networkId, role })),
});

const actors = {
  coordinator: actor("u-coordinator", [ORG_A, NET, "coordinator"]),
  directorOfA: actor("u-director-a", [ORG_A, NET, "director"]),
  directorOfB: actor("u-director-b", [ORG_B, NET, "director"]),
  electedOfA: actor("u-elected-a", [ORG_A, NET, "elected"]),
  staffOfA: actor("u-staff-a", [ORG_A, NET, "staff"]),
  otherNetworkCoordinator: actor("u-other", [ORG_X, OTHER_NET, "coordinator"]),
  nobody: null,
} satisfies Record<string, Actor | null>;

type ActorName = keyof typeof actors;
const actorNames = Object.keys(actors) as ActorName[];
const ALL_MEMBERS: ActorName[] = ["coordinator", "directorOfA", "directorOfB", "electedOfA", "staffOfA"];
const TARGET = "u-someone-else";

/** Each permission on Val Parisis / the Ermont CCAS, and who holds it. */
const matrix: Array<{ permission: Permission; allowed: ActorName[] }> = [
  {
    permission: { action: "network.view", networkId: NET },
    allowed: ["coordinator", "directorOfA", "directorOfB", "electedOfA", "staffOfA"],
  },
  { permission: { action: "network.administer", networkId: NET }, allowed: ["coordinator"] },
  { permission: { action: "audit.view", networkId: NET }, allowed: ["coordinator"] },
  { permission: { action: "organisation.create", networkId: NET }, allowed: ["coordinator"] },
  {
    permission: { action: "organisation.edit", networkId: NET, organisationId: ORG_A },
    allowed: ["coordinator", "directorOfA"],
  },
  {
    permission: { action: "organisation.edit", networkId: NET, organisationId: ORG_B },
    allowed: ["coordinator", "directorOfB"],
  },
  ...roles.map((role) => ({
    permission: { action: "invitation.create", networkId: NET, organisationId: ORG_A, role } as Permission,
    allowed: (role === "coordinator" ? ["coordinator"] : ["coordinator", "directorOfA"]) as ActorName[],
  })),
  ...roles.map((role) => ({
    permission: { action: "invitation.create", networkId: NET, organisationId: ORG_B, role } as Permission,
    allowed: (role === "coordinator" ? ["coordinator"] : ["coordinator", "directorOfB"]) as ActorName[],
  })),
  ...roles.map((newRole) => ({
    permission: { action: "membership.changeRole", networkId: NET, targetUserId: TARGET, newRole } as Permission,
    allowed: ["coordinator"] as ActorName[],
  })),
  {
    permission: { action: "membership.deactivate", networkId: NET, targetUserId: TARGET },
    allowed: ["coordinator"],
  },
  // Shared documents: every member of the network writes the common ones.
  { permission: { action: "document.create", networkId: NET }, allowed: ALL_MEMBERS },
  ...(["wiki", "minutes", "agenda_notes", "note"] as const).flatMap((kind) =>
    (["document.read", "document.write"] as const).map((action) => ({
      permission: { action, networkId: NET, kind, ownerOrganisationId: null, visibility: "network" } as Permission,
      allowed: ALL_MEMBERS,
    })),
  ),
  // A practice note (Franconville's account of what it did): everyone reads it, only Franconville edits it.
  {
    permission: { action: "document.read", networkId: NET, kind: "practice", ownerOrganisationId: ORG_B, visibility: "network" },
    allowed: ALL_MEMBERS,
  },
  {
    permission: { action: "document.write", networkId: NET, kind: "practice", ownerOrganisationId: ORG_B, visibility: "network" },
    allowed: ["directorOfB"],
  },
  // A CCAS's own draft stays within the CCAS, coordinators included.
  ...(["document.read", "document.write"] as const).map((action) => ({
    permission: { action, networkId: NET, kind: "note", ownerOrganisationId: ORG_B, visibility: "organisation" } as Permission,
    allowed: ["directorOfB"] as ActorName[],
  })),
  ...(["document.read", "document.write"] as const).map((action) => ({
    permission: { action, networkId: NET, kind: "wiki", ownerOrganisationId: ORG_A, visibility: "organisation" } as Permission,
    allowed: ["coordinator", "directorOfA", "electedOfA", "staffOfA"] as ActorName[],
  })),
  // Knowledge base: practice notes are written in the name of one's own CCAS; the wiki's sections are arranged by the coordinators.
  { permission: { action: "practice.create", networkId: NET, organisationId: ORG_A }, allowed: ["coordinator", "directorOfA", "electedOfA", "staffOfA"] },
  { permission: { action: "practice.create", networkId: NET, organisationId: ORG_B }, allowed: ["directorOfB"] },
  { permission: { action: "wikiSection.create", networkId: NET }, allowed: ALL_MEMBERS },
  { permission: { action: "wikiSection.manage", networkId: NET }, allowed: ["coordinator"] },
  // Ordering a section's pages and moving them between sections: the coordinators too.
  { permission: { action: "wikiPage.arrange", networkId: NET }, allowed: ["coordinator"] },
  // A watch page is handed over by its responsible (here Ermont's staff member) or by a coordinator, nobody else.
  {
    permission: { action: "document.changeOwner", networkId: NET, kind: "wiki", ownerOrganisationId: null, visibility: "network", ownerUserId: "u-staff-a" },
    allowed: ["coordinator", "staffOfA"],
  },
  // A page without a responsible (theirs left the network): only a coordinator gives it one.
  {
    permission: { action: "document.changeOwner", networkId: NET, kind: "wiki", ownerOrganisationId: null, visibility: "network", ownerUserId: null },
    allowed: ["coordinator"],
  },
  // A watch page filed by a CCAS: its director gets no say over the page's responsible (the page is the network's).
  {
    permission: { action: "document.changeOwner", networkId: NET, kind: "wiki", ownerOrganisationId: ORG_A, visibility: "network", ownerUserId: "u-staff-a" },
    allowed: ["coordinator", "staffOfA"],
  },
  // A practice note of Ermont: its responsible, Ermont's director, or a coordinator who belongs to Ermont hands it over.
  {
    permission: { action: "document.changeOwner", networkId: NET, kind: "practice", ownerOrganisationId: ORG_A, visibility: "network", ownerUserId: "u-staff-a" },
    allowed: ["coordinator", "directorOfA", "staffOfA"],
  },
  {
    permission: { action: "document.changeOwner", networkId: NET, kind: "practice", ownerOrganisationId: ORG_A, visibility: "organisation", ownerUserId: null },
    allowed: ["coordinator", "directorOfA"],
  },
  // Franconville's note, someone else responsible: only Franconville's director; Ermont's coordinator may not even edit it.
  {
    permission: { action: "document.changeOwner", networkId: NET, kind: "practice", ownerOrganisationId: ORG_B, visibility: "network", ownerUserId: "u-someone-else" },
    allowed: ["directorOfB"],
  },
  // Comments: whoever reads comments; a thread is resolved by its author or by someone who may edit the document.
  {
    permission: { action: "comment.create", networkId: NET, kind: "practice", ownerOrganisationId: ORG_B, visibility: "network" },
    allowed: ALL_MEMBERS,
  },
  {
    permission: { action: "comment.create", networkId: NET, kind: "practice", ownerOrganisationId: ORG_B, visibility: "organisation" },
    allowed: ["directorOfB"],
  },
  {
    permission: { action: "comment.resolve", networkId: NET, kind: "practice", ownerOrganisationId: ORG_B, visibility: "network", authorId: "u-staff-a" },
    allowed: ["directorOfB", "staffOfA"],
  },
  {
    permission: { action: "comment.resolve", networkId: NET, kind: "wiki", ownerOrganisationId: null, visibility: "network", authorId: "u-staff-a" },
    allowed: ALL_MEMBERS,
  },
];

describe("can(): every action × every kind of actor", () => {
  for (const { permission, allowed } of matrix) {
    const label = Object.entries(permission)
      .filter(([key, value]) => key !== "networkId" && value !== null)
      .map(([, value]) => value)
      .join(" ");
    for (const name of actorNames) {
      const expected = allowed.includes(name);
      it(`${label}: ${name} → ${expected ? "autorisé" : "refusé"}`, () => {
        expect(can(actors[name], permission)).toBe(expected);
      });
    }
  }
});

describe("can(): boundaries between networks", () => {
  it("a member of another network is refused everything on Val Parisis, including reading it", () => {
    for (const { permission } of matrix) expect(can(actors.otherNetworkCoordinator, permission)).toBe(false);
  });

  it("the other network's coordinator administers their own network, and Val Parisis' coordinator does not", () => {
    const own: Permission[] = [
      { action: "network.view", networkId: OTHER_NET },
      { action: "network.administer", networkId: OTHER_NET },
      { action: "audit.view", networkId: OTHER_NET },
      { action: "organisation.create", networkId: OTHER_NET },
      { action: "organisation.edit", networkId: OTHER_NET, organisationId: ORG_X },
      { action: "invitation.create", networkId: OTHER_NET, organisationId: ORG_X, role: "coordinator" },
      { action: "membership.deactivate", networkId: OTHER_NET, targetUserId: TARGET },
    ];
    for (const permission of own) {
      expect(can(actors.otherNetworkCoordinator, permission)).toBe(true);
      expect(can(actors.coordinator, permission)).toBe(false);
    }
  });

  it("someone in two networks holds each role only where it was given", () => {
    const both = actor("u-both", [ORG_A, NET, "staff"], [ORG_X, OTHER_NET, "coordinator"]);
    expect(can(both, { action: "network.view", networkId: NET })).toBe(true);
    expect(can(both, { action: "audit.view", networkId: NET })).toBe(false);
    expect(can(both, { action: "organisation.edit", networkId: NET, organisationId: ORG_A })).toBe(false);
    expect(can(both, { action: "audit.view", networkId: OTHER_NET })).toBe(true);
    expect(isCoordinatorOf(both, NET)).toBe(false);
    expect(isCoordinatorOf(both, OTHER_NET)).toBe(true);
  });

  it("a director of one CCAS who is staff in another edits only the first", () => {
    const mixed = actor("u-mixed", [ORG_A, NET, "director"], [ORG_B, NET, "staff"]);
    expect(can(mixed, { action: "organisation.edit", networkId: NET, organisationId: ORG_A })).toBe(true);
    expect(can(mixed, { action: "organisation.edit", networkId: NET, organisationId: ORG_B })).toBe(false);
    expect(can(mixed, { action: "invitation.create", networkId: NET, organisationId: ORG_B, role: "staff" })).toBe(false);
  });

  it("an actor whose memberships were all deactivated (none loaded) may do nothing", () => {
    const lapsed = actor("u-lapsed");
    for (const { permission } of matrix) expect(can(lapsed, permission)).toBe(false);
  });
});

describe("can(): nobody changes their own role or locks themselves out", () => {
  const self = actors.coordinator.userId;

  it("a coordinator cannot change their own role, to any role", () => {
    for (const newRole of roles) {
      expect(can(actors.coordinator, { action: "membership.changeRole", networkId: NET, targetUserId: self, newRole })).toBe(false);
    }
  });

  it("a coordinator cannot deactivate their own membership", () => {
    expect(can(actors.coordinator, { action: "membership.deactivate", networkId: NET, targetUserId: self })).toBe(false);
  });

  it("another coordinator of the same network can do both to them", () => {
    const second = actor("u-second", [ORG_B, NET, "coordinator"]);
    expect(can(second, { action: "membership.changeRole", networkId: NET, targetUserId: self, newRole: "staff" })).toBe(true);
    expect(can(second, { action: "membership.deactivate", networkId: NET, targetUserId: self })).toBe(true);
  });

  it("a director cannot manage memberships, not even their own CCAS's", () => {
    expect(
      can(actors.directorOfA, { action: "membership.changeRole", networkId: NET, targetUserId: actors.staffOfA.userId, newRole: "elected" }),
    ).toBe(false);
    expect(can(actors.directorOfA, { action: "membership.deactivate", networkId: NET, targetUserId: actors.staffOfA.userId })).toBe(false);
  });
});

describe("invitableRoles()", () => {
  it("offers a coordinator every role, in the order given", () => {
    expect(invitableRoles(actors.coordinator, NET, ORG_B, roles)).toEqual(["coordinator", "director", "elected", "staff"]);
    expect(invitableRoles(actors.coordinator, NET, ORG_B, ["staff", "coordinator"])).toEqual(["staff", "coordinator"]);
  });

  it("offers a director every role but coordinator, in their own CCAS only", () => {
    expect(invitableRoles(actors.directorOfA, NET, ORG_A, roles)).toEqual(["director", "elected", "staff"]);
    expect(invitableRoles(actors.directorOfA, NET, ORG_B, roles)).toEqual([]);
  });

  it("offers nothing to elected officials, staff, or members of another network", () => {
    expect(invitableRoles(actors.electedOfA, NET, ORG_A, roles)).toEqual([]);
    expect(invitableRoles(actors.staffOfA, NET, ORG_A, roles)).toEqual([]);
    expect(invitableRoles(actors.otherNetworkCoordinator, NET, ORG_A, roles)).toEqual([]);
  });
});

describe("drafts search may show", () => {
  it("lists the actor's own CCAS in that network only, coordinators included: the filter search applies", () => {
    expect(draftReadableOrganisationIds(actors.staffOfA, NET)).toEqual([ORG_A]);
    expect(draftReadableOrganisationIds(actors.coordinator, NET)).toEqual([ORG_A]);
    expect(draftReadableOrganisationIds(actors.directorOfB, NET)).toEqual([ORG_B]);
    expect(draftReadableOrganisationIds(actors.otherNetworkCoordinator, NET)).toEqual([]);
    for (const [name, organisationId] of [["staffOfA", ORG_A], ["directorOfB", ORG_B]] as const) {
      const draft = { action: "document.read", networkId: NET, kind: "practice", ownerOrganisationId: organisationId, visibility: "organisation" } as const;
      expect(can(actors[name], draft)).toBe(true);
      expect(can(actors[name === "staffOfA" ? "directorOfB" : "staffOfA"], draft)).toBe(false);
    }
  });
});
