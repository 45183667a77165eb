import type { Executor } from "../../../db/client.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor, DocumentFacts } from "../auth/permissions.ts";
import { activeMemberships } from "../network/members.server.ts";
import { KnowledgeInputError } from "./input.ts";

/**
 * The responsible of a watch page or practice note (`documents.owner_user_id`): the member who answers for it (a watch
 * page is listed « à revoir » to them; their own visits are not counted as reads). A watch page is the network's: its
 * responsible or a coordinator hands it over to any active member of the network. A practice note is its CCAS's: its
 * responsible, that CCAS's director or a coordinator who belongs to it hands it over to another active member of the
 * same CCAS. Each handover is written to the network's audit log.
 */

export interface OwnerCandidate {
  userId: string;
  name: string;
  organisationName: string;
}

/** Who may become a document's responsible: the network's members for a watch page, its CCAS's for a practice note. */
export type OwnerScope = { networkId: string; organisationId?: string };

export function ownerScopeOf(document: Pick<DocumentFacts, "networkId" | "kind" | "ownerOrganisationId">): OwnerScope {
  return document.kind === "practice" && document.ownerOrganisationId
    ? { networkId: document.networkId, organisationId: document.ownerOrganisationId }
    : { networkId: document.networkId };
}

/** Active members of the scope (account and membership both active), once each, by name. */
export async function activeMembers(db: Executor, scope: OwnerScope, userId?: string): Promise<OwnerCandidate[]> {
  let query = activeMemberships(db, scope.networkId);
  if (scope.organisationId) query = query.where("organisations.id", "=", scope.organisationId);
  if (userId) query = query.where("users.id", "=", userId);
  return query
    .distinctOn(["users.name", "users.id"])
    .select(["users.id as userId", "users.name", "organisations.name as organisationName"])
    .orderBy("users.name")
    .orderBy("users.id")
    .orderBy("organisations.name")
    .execute();
}

const wording = {
  wiki: {
    missing: "Choisissez le membre du réseau à qui confier la page.",
    outside: "Cette personne n'est pas un membre actif du réseau : choisissez quelqu'un dans la liste.",
    audit: "document_owner_changed",
    summary: "Page",
  },
  practice: {
    missing: "Choisissez le membre de votre CCAS à qui confier la fiche.",
    outside: "Cette personne n'est pas un membre actif du CCAS auteur de la fiche : choisissez quelqu'un dans la liste.",
    audit: "practice_owner_changed",
    summary: "Fiche",
  },
} as const;

/**
 * Hands a watch page or practice note over to `newOwnerUserId` within the caller's transaction: a 403 for someone who
 * may not (`document.changeOwner`), a French refusal for the field when the new responsible is outside the scope.
 */
export async function changeOwner(
  tx: Executor,
  actor: Actor,
  document: DocumentFacts & { id: string; title: string; ownerUserId: string | null },
  newOwnerUserId: string | null,
): Promise<void> {
  authorize(actor, { action: "document.changeOwner", ...document });
  const words = wording[document.kind === "practice" ? "practice" : "wiki"];
  if (!newOwnerUserId) throw new KnowledgeInputError({ ownerUserId: [words.missing] });
  const [owner] = await activeMembers(tx, ownerScopeOf(document), newOwnerUserId);
  if (!owner) throw new KnowledgeInputError({ ownerUserId: [words.outside] });
  const previous = document.ownerUserId
    ? await tx.selectFrom("users").select("name").where("id", "=", document.ownerUserId).executeTakeFirst()
    : undefined;
  await tx.updateTable("documents").set({ ownerUserId: owner.userId }).where("id", "=", document.id).execute();
  await recordAudit(tx, {
    action: words.audit,
    actorUserId: actor.userId,
    subjectUserId: owner.userId,
    networkId: document.networkId,
    organisationId: document.kind === "practice" ? document.ownerOrganisationId : null,
    detail: {
      documentId: document.id,
      previousOwnerUserId: document.ownerUserId,
      summary: `${words.summary} « ${document.title} » : ${previous?.name ?? "sans responsable"} → ${owner.name}`,
    },
  });
}
