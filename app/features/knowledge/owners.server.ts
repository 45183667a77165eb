import type { Executor } from "../../../db/client.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor, DocumentFacts } from "../auth/permissions.ts";
import { activeMemberships } from "../network/members.server.ts";
import { KnowledgeInputError } from "./input.ts";

/**
 * The responsible of a watch page: the member to whom it is listed « à revoir ». Its responsible or a coordinator
 * hands it over to another active member of the network; each handover is written to the network's audit log.
 */

export interface OwnerCandidate {
  userId: string;
  name: string;
  organisationName: string;
}

/** Active members of the network (account and membership both active), once each, by name. */
export async function activeMembers(db: Executor, networkId: string, userId?: string): Promise<OwnerCandidate[]> {
  let query = activeMemberships(db, networkId);
  if (userId) query = query.where("users.id", "=", userId);
  return query
    .distinctOn(["users.name", "users.id"])
    .select(["users.id as userId", "users.name", "organisations.name as organisationName"])
    .orderBy("users.name")
    .orderBy("users.id")
    .orderBy("organisations.name")
    .execute();
}

/**
 * Hands a watch page over to `newOwnerUserId` within the caller's transaction: a 403 for someone who is neither its
 * responsible nor a coordinator, a French refusal for the field when the new responsible is not an active member.
 */
export async function changeOwner(
  tx: Executor,
  actor: Actor,
  document: DocumentFacts & { id: string; title: string; ownerUserId: string | null },
  newOwnerUserId: string | null,
): Promise<void> {
  authorize(actor, { action: "document.changeOwner", ...document });
  if (!newOwnerUserId) throw new KnowledgeInputError({ ownerUserId: ["Choisissez le membre du réseau à qui confier la page."] });
  const [owner] = await activeMembers(tx, document.networkId, newOwnerUserId);
  if (!owner) {
    throw new KnowledgeInputError({ ownerUserId: ["Cette personne n'est pas un membre actif du réseau : choisissez quelqu'un dans la liste."] });
  }
  const previous = document.ownerUserId
    ? await tx.selectFrom("users").select("name").where("id", "=", document.ownerUserId).executeTakeFirst()
    : undefined;
  await tx.updateTable("documents").set({ ownerUserId: owner.userId }).where("id", "=", document.id).execute();
  await recordAudit(tx, {
    action: "document_owner_changed",
    actorUserId: actor.userId,
    subjectUserId: owner.userId,
    networkId: document.networkId,
    detail: {
      documentId: document.id,
      previousOwnerUserId: document.ownerUserId,
      summary: `Page « ${document.title} » : ${previous?.name ?? "sans responsable"} → ${owner.name}`,
    },
  });
}
