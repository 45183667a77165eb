import { describe, expect, it } from "vitest";
import { can, type Actor, type Permission } from "../../app/features/auth/permissions.ts";
import type { Role } from "../../app/features/auth/roles.ts";

/** Round-table rules, action by action, for every kind of actor; the answers are the product's rules, written by hand. */

const NET = "network-val-parisis";
const OTHER_NET = "network-pays-haut";
const HOST = "org-franconville";
const OTHER = "org-ermont";

const actor = (userId: string, organisationId: string, networkId: string, role: Role): Actor => ({
  userId,
  memberships: [{ organisationId, networkId, role }],
});

const actors = {
  coordinator: actor("u-coordinator", OTHER, NET, "coordinator"),
  hostDirector: actor("u-host-director", HOST, NET, "director"),
  hostElected: actor("u-host-elected", HOST, NET, "elected"),
  hostStaff: actor("u-host-staff", HOST, NET, "staff"),
  otherDirector: actor("u-other-director", OTHER, NET, "director"),
  otherStaff: actor("u-other-staff", OTHER, NET, "staff"),
  otherNetworkCoordinator: actor("u-outsider", "org-villerupt", OTHER_NET, "coordinator"),
  nobody: null,
} satisfies Record<string, Actor | null>;
type Name = keyof typeof actors;
const members: Name[] = ["coordinator", "hostDirector", "hostElected", "hostStaff", "otherDirector", "otherStaff"];

const matrix: Array<{ permission: Permission; allowed: Name[] }> = [
  { permission: { action: "roundtable.plan", networkId: NET }, allowed: ["coordinator"] },
  { permission: { action: "meeting.manage", networkId: NET, hostOrganisationId: HOST }, allowed: ["coordinator", "hostDirector", "hostElected"] },
  { permission: { action: "agenda.propose", networkId: NET }, allowed: members },
  { permission: { action: "agenda.support", networkId: NET }, allowed: members },
  // Someone's own proposal: its author and the meeting's managers edit it.
  {
    permission: { action: "agenda.editItem", networkId: NET, hostOrganisationId: HOST, proposedByUserId: "u-other-staff" },
    allowed: ["coordinator", "hostDirector", "hostElected", "otherStaff"],
  },
  {
    permission: { action: "agenda.editItem", networkId: NET, hostOrganisationId: HOST, proposedByUserId: null },
    allowed: ["coordinator", "hostDirector", "hostElected"],
  },
  { permission: { action: "attendance.register", networkId: NET, organisationId: OTHER }, allowed: ["coordinator", "otherDirector", "otherStaff"] },
  { permission: { action: "attendance.register", networkId: NET, organisationId: HOST }, allowed: ["coordinator", "hostDirector", "hostElected", "hostStaff"] },
  {
    permission: { action: "followUp.updateStatus", networkId: NET, hostOrganisationId: HOST, ownerOrganisationId: OTHER },
    allowed: ["coordinator", "hostDirector", "hostElected", "otherDirector", "otherStaff"],
  },
];

describe("round-table permissions: every action × every kind of actor", () => {
  for (const { permission, allowed } of matrix) {
    for (const name of Object.keys(actors) as Name[]) {
      const expected = allowed.includes(name);
      it(`${JSON.stringify(permission)}: ${name} → ${expected ? "autorisé" : "refusé"}`, () => {
        expect(can(actors[name], permission)).toBe(expected);
      });
    }
  }

  it("a staff member of the host CCAS proposes and supports but does not run the meeting", () => {
    expect(can(actors.hostStaff, { action: "agenda.propose", networkId: NET })).toBe(true);
    expect(can(actors.hostStaff, { action: "meeting.manage", networkId: NET, hostOrganisationId: HOST })).toBe(false);
  });
});
