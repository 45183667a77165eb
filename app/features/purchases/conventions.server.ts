import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { SplitMethodColumn } from "../../../db/schema.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { formatPopulation } from "../../i18n/format.ts";
import { splitCost, validateSplit, type SplitParty } from "./cost-split.ts";
import { centsToDecimalComma } from "./money.ts";
import type { FieldFailure } from "./purchases.server.ts";

/** Shared-service conventions: who shares what, for how much, split how, renewed when. */

export interface ConventionInput {
  title: string;
  service: string;
  /** Null with the per-inhabitant key: the yearly cost is then what the parties owe together. */
  yearlyCostCents: number | null;
  splitMethod: SplitMethodColumn;
  cofinancerName: string | null;
  cofinancingBasisPoints: number;
  ratePerInhabitantCents: number | null;
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

export type ConventionField = "parties" | "cofinancingBasisPoints" | "ratePerInhabitantCents" | "yearlyCostCents" | "renewsOn";

/** The form field a server-side refusal belongs next to. */
export function conventionFormField(field: ConventionField): string {
  return { cofinancingBasisPoints: "cofinancing", ratePerInhabitantCents: "ratePerInhabitant", yearlyCostCents: "yearlyCost" }[field as string] ?? field;
}

/**
 * The checks shared by creating and editing: parties of the network, each once, a key that fits them,
 * the actor allowed to manage a convention between them. The row to store, or the field to fix.
 */
async function checkConvention(db: Executor, actor: Actor, networkId: string, convention: ConventionInput) {
  if (new Set(convention.parties.map((party) => party.organisationId)).size !== convention.parties.length) {
    return { ok: false as const, field: "parties" as const, message: "Un même CCAS ne peut figurer qu'une fois parmi les parties." };
  }
  const parties = await partiesOf(db, networkId, convention.parties);
  if (parties.length !== convention.parties.length) return { ok: false as const, field: "parties" as const, message: "Un des CCAS choisis ne fait pas partie du réseau." };
  authorize(actor, { action: "convention.manage", networkId, partyOrganisationIds: parties.map((party) => party.id) });
  const perInhabitant = convention.splitMethod === "per_inhabitant";
  const key = {
    method: convention.splitMethod,
    cofinancingBasisPoints: perInhabitant ? 0 : convention.cofinancingBasisPoints,
    cofinancerName: convention.cofinancerName,
    ratePerInhabitantCents: perInhabitant ? convention.ratePerInhabitantCents : null,
  };
  const problem = validateSplit(key, parties);
  if (problem) return { ok: false as const, ...problem, field: problem.field === "totalCents" ? ("parties" as const) : problem.field };
  if (convention.renewsOn <= convention.startsOn) return { ok: false as const, field: "renewsOn" as const, message: "Le renouvellement doit suivre le début de la convention." };
  const yearlyCostCents = perInhabitant ? splitCost(0, key, parties).totalCents : convention.yearlyCostCents;
  if (yearlyCostCents === null) return { ok: false as const, field: "yearlyCostCents" as const, message: "Le coût annuel : indiquez un montant en euros." };
  const { parties: partyRows, ...values } = convention;
  return {
    ok: true as const,
    row: { ...values, yearlyCostCents, cofinancingBasisPoints: key.cofinancingBasisPoints, cofinancerName: perInhabitant ? null : values.cofinancerName, ratePerInhabitantCents: key.ratePerInhabitantCents },
    partyRows,
  };
}

export async function createConvention(
  db: Executor,
  input: { actor: Actor; networkId: string; convention: ConventionInput },
): Promise<{ ok: true; conventionId: string } | FieldFailure<ConventionField>> {
  const { actor, networkId } = input;
  const checked = await checkConvention(db, actor, networkId, input.convention);
  if (!checked.ok) return checked;
  return inTransaction(db, async (tx) => {
    const row = await tx.insertInto("conventions").values({ ...checked.row, networkId, createdBy: actor.userId }).returning("id").executeTakeFirstOrThrow();
    await tx.insertInto("conventionParties").values(checked.partyRows.map((party) => ({ conventionId: row.id, ...party }))).execute();
    return { ok: true as const, conventionId: row.id };
  });
}

/**
 * Editing a convention after the fact (parties, service, cost, key, dates), with the same checks as creating it.
 * Who may manage it as it stands edits it, into a convention they may still manage; all or nothing, and journaled.
 */
export async function updateConvention(
  db: Executor,
  input: { actor: Actor; convention: ConventionDetails; changes: ConventionInput },
): Promise<{ ok: true } | FieldFailure<ConventionField>> {
  const { actor, convention } = input;
  authorize(actor, { action: "convention.manage", networkId: convention.networkId, partyOrganisationIds: convention.parties.map((party) => party.id) });
  const checked = await checkConvention(db, actor, convention.networkId, input.changes);
  if (!checked.ok) return checked;
  const before = { ...convention, parties: convention.parties.map((party) => party.id).sort() };
  const changed: string[] = (Object.keys(checked.row) as Array<keyof typeof checked.row>).filter((field) => String(checked.row[field] ?? "") !== String(before[field as keyof typeof before] ?? ""));
  const partiesChanged =
    JSON.stringify(convention.parties.map((party) => [party.id, party.caseload ?? null, party.basisPoints ?? null]).sort()) !==
    JSON.stringify(checked.partyRows.map((party) => [party.organisationId, party.caseload, party.basisPoints]).sort());
  if (partiesChanged) changed.push("parties");
  await inTransaction(db, async (tx) => {
    await tx.updateTable("conventions").set(checked.row).where("id", "=", convention.id).execute();
    await tx.deleteFrom("conventionParties").where("conventionId", "=", convention.id).execute();
    await tx.insertInto("conventionParties").values(checked.partyRows.map((party) => ({ conventionId: convention.id, ...party }))).execute();
    await recordAudit(tx, {
      action: "convention_updated",
      actorUserId: actor.userId,
      networkId: convention.networkId,
      detail: { conventionId: convention.id, changed, summary: `Convention « ${checked.row.title} »${changed.length ? ` : ${changed.map((field) => conventionFieldLabels[field] ?? field).join(", ")}` : ""}` },
    });
  });
  return { ok: true };
}

const conventionFieldLabels: Record<string, string> = {
  title: "intitulé",
  service: "service",
  yearlyCostCents: "coût annuel",
  splitMethod: "clé de répartition",
  cofinancerName: "cofinanceur",
  cofinancingBasisPoints: "cofinancement",
  ratePerInhabitantCents: "montant par habitant",
  startsOn: "début",
  renewsOn: "renouvellement",
  parties: "parties",
};

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
      "ratePerInhabitantCents",
      sql<string>`starts_on::text`.as("startsOn"),
      sql<string>`renews_on::text`.as("renewsOn"),
    ])
    .executeTakeFirst();
  if (!convention) return undefined;
  const partyRows = await db.selectFrom("conventionParties").selectAll().where("conventionId", "=", convention.id).execute();
  const parties = await partiesOf(db, networkId, partyRows);
  const ratePerInhabitantCents = convention.ratePerInhabitantCents === null ? null : Number(convention.ratePerInhabitantCents);
  const key = { method: convention.splitMethod, cofinancerName: convention.cofinancerName, cofinancingBasisPoints: convention.cofinancingBasisPoints, ratePerInhabitantCents };
  const split = splitCost(Number(convention.yearlyCostCents), key, parties);
  // Per inhabitant, the cost is what the parties owe with their current population.
  return { ...convention, yearlyCostCents: split.totalCents, ratePerInhabitantCents, parties, split };
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
  input: { actor: Actor; convention: ConventionDetails; renewsOn: string; yearlyCostCents: number | null },
): Promise<{ ok: true } | FieldFailure<"renewsOn" | "yearlyCost">> {
  const { actor, convention } = input;
  authorize(actor, { action: "convention.manage", networkId: convention.networkId, partyOrganisationIds: convention.parties.map((party) => party.id) });
  if (input.renewsOn <= convention.renewsOn) {
    return { ok: false, field: "renewsOn", message: "La nouvelle date de renouvellement doit suivre la précédente." };
  }
  // Per inhabitant, the cost follows the rate and the populations: only the date moves.
  const yearlyCostCents = convention.splitMethod === "per_inhabitant" ? convention.split.totalCents : input.yearlyCostCents;
  if (yearlyCostCents === null) return { ok: false, field: "yearlyCost", message: "Le coût annuel : indiquez un montant en euros." };
  await db.updateTable("conventions").set({ renewsOn: input.renewsOn, yearlyCostCents }).where("id", "=", convention.id).execute();
  return { ok: true };
}

/** The CCAS a convention form lists, in the order of its party rows. */
export async function conventionFormOrganisations(db: Executor, networkId: string) {
  const organisations = await db.selectFrom("organisations").where("networkId", "=", networkId).select(["id", "name", "population", "populationYear"]).orderBy("name").execute();
  return organisations.map((organisation) => ({ id: organisation.id, name: organisation.name, population: formatPopulation(organisation.population, organisation.populationYear) }));
}

const basisPointsInput = (basisPoints: number | null | undefined) => (basisPoints == null ? "" : String(basisPoints / 100).replace(".", ","));

/** A stored convention as its edit form shows it: what one would type to record it as it is. */
export function conventionFormValues(convention: ConventionDetails, organisations: Array<{ id: string }>) {
  const parties = new Map(convention.parties.map((party) => [party.id, party]));
  return {
    title: convention.title,
    service: convention.service,
    yearlyCost: convention.splitMethod === "per_inhabitant" ? "" : centsToDecimalComma(convention.yearlyCostCents),
    splitMethod: convention.splitMethod,
    cofinancerName: convention.cofinancerName ?? "",
    cofinancing: convention.splitMethod === "residual" ? basisPointsInput(convention.cofinancingBasisPoints) : "",
    ratePerInhabitant: convention.ratePerInhabitantCents === null ? "" : centsToDecimalComma(convention.ratePerInhabitantCents),
    startsOn: convention.startsOn,
    renewsOn: convention.renewsOn,
    parties: organisations.map((organisation) => {
      const party = parties.get(organisation.id);
      return party ? { organisationId: party.id, caseload: party.caseload == null ? "" : String(party.caseload), share: basisPointsInput(party.basisPoints) } : {};
    }),
  };
}
