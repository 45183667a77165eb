import { describe, expect, it } from "vitest";
import { can, type Actor, type Permission } from "../../app/features/auth/permissions.ts";
import type { Role } from "../../app/features/auth/roles.ts";

/** Group purchases, conventions and ABS tracking: every action × every kind of actor, answers written by hand. */

const NET = "network-val-parisis";
const OTHER_NET = "network-pays-haut";
const LEAD = "org-ermont"; // coordinates the purchase
const OTHER = "org-franconville";

const actor = (userId: string, organisationId: string, networkId: string, role: Role): Actor => ({
  userId,
  memberships: [{ organisationId, networkId, role }],
});

const actors = {
  coordinator: actor("u-coordinator", "org-taverny", NET, "coordinator"),
  leadDirector: actor("u-lead-director", LEAD, NET, "director"),
  leadElected: actor("u-lead-elected", LEAD, NET, "elected"),
  leadStaff: actor("u-lead-staff", LEAD, NET, "staff"),
  otherDirector: actor("u-other-director", OTHER, NET, "director"),
  otherElected: actor("u-other-elected", OTHER, NET, "elected"),
  otherStaff: actor("u-other-staff", OTHER, NET, "staff"),
  otherNetworkCoordinator: actor("u-outsider", "org-villerupt", OTHER_NET, "coordinator"),
  anonymous: null,
} satisfies Record<string, Actor | null>;
type Name = keyof typeof actors;

const matrix: Array<{ permission: Permission; allowed: Name[] }> = [
  { permission: { action: "purchase.create", networkId: NET, coordinatingOrganisationId: LEAD }, allowed: ["coordinator", "leadDirector"] },
  { permission: { action: "purchase.manage", networkId: NET, coordinatingOrganisationId: LEAD }, allowed: ["coordinator", "leadDirector"] },
  { permission: { action: "purchase.respond", networkId: NET, organisationId: OTHER }, allowed: ["otherDirector"] },
  { permission: { action: "purchase.respond", networkId: NET, organisationId: LEAD }, allowed: ["leadDirector"] },
  { permission: { action: "convention.manage", networkId: NET, partyOrganisationIds: [LEAD] }, allowed: ["coordinator", "leadDirector"] },
  { permission: { action: "convention.manage", networkId: NET, partyOrganisationIds: [LEAD, OTHER] }, allowed: ["coordinator", "leadDirector", "otherDirector"] },
  { permission: { action: "abs.update", networkId: NET, organisationId: OTHER }, allowed: ["coordinator", "otherDirector"] },
  { permission: { action: "network.view", networkId: NET }, allowed: ["coordinator", "leadDirector", "leadElected", "leadStaff", "otherDirector", "otherElected", "otherStaff"] },
];

describe("purchase permissions: every action × every kind of actor", () => {
  for (const { permission, allowed } of matrix) {
    for (const name of Object.keys(actors) as Name[]) {
      const expected = allowed.includes(name);
      it(`${JSON.stringify(permission)}: ${name} → ${expected ? "autorisé" : "refusé"}`, () => {
        expect(can(actors[name], permission)).toBe(expected);
      });
    }
  }
});
