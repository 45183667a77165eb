import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { findOrganisationInNetwork } from "../network/organisations.server.ts";
import { isLate, type AbsStatus } from "./abs.ts";
import type { FieldFailure } from "./purchases.server.ts";

/** Each CCAS's 2027 ABS: one row per CCAS, "not started" until someone says otherwise. */
export async function absTracker(db: Executor, networkId: string, today: string) {
  const rows = await db
    .selectFrom("organisations")
    .leftJoin("absStatuses", "absStatuses.organisationId", "organisations.id")
    .leftJoin("groupPurchases", "groupPurchases.id", "absStatuses.groupPurchaseId")
    .where("organisations.networkId", "=", networkId)
    .select([
      "organisations.id as organisationId",
      "organisations.name",
      sql<AbsStatus>`coalesce(abs_statuses.status, 'not_started')`.as("status"),
      sql<string | null>`abs_statuses.presented_on::text`.as("presentedOn"),
      "absStatuses.groupPurchaseId",
      "groupPurchases.subject as groupPurchaseSubject",
    ])
    .orderBy("organisations.name")
    .execute();
  return rows.map((row) => ({ ...row, late: isLate(row.status, today) }));
}

export async function updateAbsStatus(
  db: Executor,
  input: { actor: Actor; networkId: string; organisationId: string; status: AbsStatus; presentedOn: string | null; groupPurchaseId: string | null; today: string },
): Promise<{ ok: true } | FieldFailure<"presentedOn" | "groupPurchaseId">> {
  const organisation = await findOrganisationInNetwork(db, input.networkId, input.organisationId);
  if (!organisation) return { ok: false, message: "Ce CCAS ne fait pas partie du réseau." };
  authorize(input.actor, { action: "abs.update", networkId: input.networkId, organisationId: organisation.id });
  if (input.status === "presented" && !input.presentedOn) return { ok: false, field: "presentedOn", message: "Indiquez la date de présentation au conseil d'administration." };
  if (input.presentedOn && input.presentedOn > input.today) return { ok: false, field: "presentedOn", message: "La présentation ne peut pas être datée dans le futur." };
  if (input.groupPurchaseId) {
    const purchase = await db.selectFrom("groupPurchases").select("id").where("id", "=", input.groupPurchaseId).where("networkId", "=", input.networkId).executeTakeFirst();
    if (!purchase) return { ok: false, field: "groupPurchaseId", message: "Cet achat groupé n'existe pas dans le réseau." };
  }
  const values = {
    status: input.status,
    presentedOn: input.status === "presented" ? input.presentedOn : null,
    groupPurchaseId: input.groupPurchaseId,
    updatedBy: input.actor.userId,
    updatedAt: new Date(),
  };
  await db
    .insertInto("absStatuses")
    .values({ organisationId: organisation.id, ...values })
    .onConflict((conflict) => conflict.column("organisationId").doUpdateSet(values))
    .execute();
  return { ok: true };
}
