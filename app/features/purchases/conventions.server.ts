import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { SplitMethodColumn } from "../../../db/schema.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { splitCost, validateSplit, type SplitParty } from "./cost-split.ts";
import type { FieldFailure } from "./purchases.server.ts";

/** Shared-service conventions: who shares what, for how much, split how, renewed when. */

export interface ConventionInput {
  title: string;
  service: string;
  yearlyCostCents: number;
  splitMethod: SplitMethodColumn;
  cofinancerName: string | null;
  cofinancingBasisPoints: number;
  startsOn: string;
  renewsOn: string;
  parties: Array<{ organisationId: string; caseload: number | null; basisPoints: number | null }>;
}

export async function listConventions(db: Executor, networkId: string) {
  return db
    .selectFrom("conventions")
    .where("networkId", "=", networkId)
    .select(["id", "title", "service", "yearlyCostCents", "splitMethod", sql<string>`renews_on::text`.as("renewsOn")])
    .orderBy("title")
    .execute();
}

async function partiesOf(db: Executor, networkId: string, parties: ConventionInput["parties"]): Promise<SplitParty[]> {
  if (parties.length === 0) return [];
  const organisations = await db
    .selectFrom("organisations")
    .where("networkId", "=", networkId)
    .where("id", "in", parties.map((party) => party.organisationId))
    .select(["id", "name", "population", "populationYear"])
    .execute();
  const byId = new Map(organisations.map((organisation) => [organisation.id, organisation]));
  return parties
    .filter((party) => byId.has(party.organisationId))
    .map((party) => {
      const organisation = byId.get(party.organisationId)!;
      return { id: organisation.id, name: organisation.name, population: organisation.population, populationYear: organisation.populationYear, caseload: party.caseload, basisPoints: party.basisPoints };
    });
}

export type ConventionField = "parties" | "cofinancingBasisPoints" | "renewsOn";

export async function createConvention(
  db: Executor,
  input: { actor: Actor; networkId: string; convention: ConventionInput },
): Promise<{ ok: true; conventionId: string } | FieldFailure<ConventionField>> {
  const { actor, networkId, convention } = input;
  if (new Set(convention.parties.map((party) => party.organisationId)).size !== convention.parties.length) {
    return { ok: false, field: "parties", message: "Un même CCAS ne peut figurer qu'une fois parmi les parties." };
  }
  const parties = await partiesOf(db, networkId, convention.parties);
  if (parties.length !== convention.parties.length) return { ok: false, field: "parties", message: "Un des CCAS choisis ne fait pas partie du réseau." };
  authorize(actor, { action: "convention.manage", networkId, partyOrganisationIds: parties.map((party) => party.id) });
  const problem = validateSplit({ method: convention.splitMethod, cofinancingBasisPoints: convention.cofinancingBasisPoints, cofinancerName: convention.cofinancerName }, parties);
  if (problem) return { ok: false, ...problem, field: problem.field === "totalCents" ? "parties" : problem.field };
  if (convention.renewsOn <= convention.startsOn) return { ok: false, field: "renewsOn", message: "Le renouvellement doit suivre le début de la convention." };
  return inTransaction(db, async (tx) => {
    const { parties: partyRows, ...values } = convention;
    const row = await tx.insertInto("conventions").values({ ...values, networkId, createdBy: actor.userId }).returning("id").executeTakeFirstOrThrow();
    await tx.insertInto("conventionParties").values(partyRows.map((party) => ({ conventionId: row.id, ...party }))).execute();
    return { ok: true as const, conventionId: row.id };
  });
}

export async function findConventionInNetwork(db: Executor, networkId: string, conventionId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(conventionId)) return undefined;
  const convention = await db
    .selectFrom("conventions")
    .where("networkId", "=", networkId)
    .where("id", "=", conventionId)
    .select([
      "id",
      "networkId",
      "title",
      "service",
      "yearlyCostCents",
      "splitMethod",
      "cofinancerName",
      "cofinancingBasisPoints",
      sql<string>`starts_on::text`.as("startsOn"),
      sql<string>`renews_on::text`.as("renewsOn"),
    ])
    .executeTakeFirst();
  if (!convention) return undefined;
  const partyRows = await db.selectFrom("conventionParties").selectAll().where("conventionId", "=", convention.id).execute();
  const parties = await partiesOf(db, networkId, partyRows);
  const yearlyCostCents = Number(convention.yearlyCostCents);
  const split = splitCost(yearlyCostCents, { method: convention.splitMethod, cofinancerName: convention.cofinancerName, cofinancingBasisPoints: convention.cofinancingBasisPoints }, parties);
  return { ...convention, yearlyCostCents, parties, split };
}

export type ConventionDetails = NonNullable<Awaited<ReturnType<typeof findConventionInNetwork>>>;

/** The conventions a CCAS is party to, with what it owes this year. */
export async function conventionsOwedBy(db: Executor, networkId: string, organisationId: string) {
  const rows = await db.selectFrom("conventionParties").innerJoin("conventions", "conventions.id", "conventionParties.conventionId").where("conventions.networkId", "=", networkId).where("conventionParties.organisationId", "=", organisationId).select("conventions.id").execute();
  const details = await Promise.all(rows.map((row) => findConventionInNetwork(db, networkId, row.id)));
  return details.filter((detail) => detail !== undefined).map((detail) => ({ id: detail.id, title: detail.title, cents: detail.split.shares.find((share) => share.partyId === organisationId)?.cents ?? 0 }));
}

/** Renewing a convention: the new renewal date and the year's cost; the reminder then follows the new date. */
export async function renewConvention(
  db: Executor,
  input: { actor: Actor; convention: ConventionDetails; renewsOn: string; yearlyCostCents: number },
): Promise<{ ok: true } | FieldFailure<"renewsOn">> {
  const { actor, convention } = input;
  authorize(actor, { action: "convention.manage", networkId: convention.networkId, partyOrganisationIds: convention.parties.map((party) => party.id) });
  if (input.renewsOn <= convention.renewsOn) {
    return { ok: false, field: "renewsOn", message: "La nouvelle date de renouvellement doit suivre la précédente." };
  }
  await db.updateTable("conventions").set({ renewsOn: input.renewsOn, yearlyCostCents: input.yearlyCostCents }).where("id", "=", convention.id).execute();
  return { ok: true };
}
