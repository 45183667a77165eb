import { inTransaction, type Executor } from "../../../db/client.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { findCommune } from "./communes.server.ts";
import {
  createOrganisationFromCommune,
  defaultOrganisationName,
  findOrganisationInNetwork,
  isCommuneInNetwork,
  updateOrganisationDetails,
  type OrganisationDetailsInput,
} from "./organisations.server.ts";

/** Directory changes, each checked against the permission rules before it writes. */

export type AddOrganisationResult = { ok: true; organisationId: string } | { ok: false; message: string };

export async function addOrganisationToNetwork(
  db: Executor,
  input: { actor: Actor; networkId: string; inseeCode: string; ip: string | null },
): Promise<AddOrganisationResult> {
  authorize(input.actor, { action: "organisation.create", networkId: input.networkId });
  const commune = findCommune(input.inseeCode);
  if (!commune) return { ok: false, message: "Cette commune est introuvable dans le référentiel officiel." };
  if (await isCommuneInNetwork(db, input.networkId, commune.code)) {
    return { ok: false, message: `Le ${defaultOrganisationName("ccas", commune.name)} fait déjà partie du réseau.` };
  }
  const organisation = await inTransaction(db, async (tx) => {
    const created = await createOrganisationFromCommune(tx, { networkId: input.networkId, commune });
    await recordAudit(tx, {
      action: "organisation_created",
      actorUserId: input.actor.userId,
      organisationId: created.id,
      networkId: input.networkId,
      ip: input.ip,
      detail: { inseeCode: commune.code, commune: commune.name },
    });
    return created;
  });
  return { ok: true, organisationId: organisation.id };
}

export async function editOrganisation(
  db: Executor,
  input: { actor: Actor; networkId: string; organisationId: string; details: OrganisationDetailsInput; ip: string | null },
): Promise<void> {
  authorize(input.actor, { action: "organisation.edit", networkId: input.networkId, organisationId: input.organisationId });
  await inTransaction(db, async (tx) => {
    await updateOrganisationDetails(tx, input.organisationId, input.details);
    await recordAudit(tx, {
      action: "organisation_updated",
      actorUserId: input.actor.userId,
      organisationId: input.organisationId,
      networkId: input.networkId,
      ip: input.ip,
    });
  });
}

export { findOrganisationInNetwork };
