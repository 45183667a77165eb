import { formatDate } from "../../i18n/format.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import type { Network } from "../../../db/schema.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { findOrganisationInNetwork } from "../network/organisations.server.ts";
import { planCycle, rotationQueue, type Hosting, type PlannedMeeting, type RotationCandidate } from "./rotation.ts";

/** Loads what the pure rotation rule needs, and saves the coordinator's rotation settings. */

export interface RotationInputs {
  candidates: RotationCandidate[];
  history: Hosting[];
  /** organisationId → CCAS name, for the pages. */
  names: Map<string, string>;
  /** The declared periods with what the settings page shows of them. */
  exceptions: Array<{ id: string; organisationId: string; from: string; to: string; reason: string | null }>;
}

export async function loadRotationInputs(db: Executor, networkId: string): Promise<RotationInputs> {
  const organisations = await db
    .selectFrom("organisations")
    .leftJoin("rotationPreferences", "rotationPreferences.organisationId", "organisations.id")
    .where("organisations.networkId", "=", networkId)
    .select(["organisations.id", "organisations.name", "organisations.communeName", "rotationPreferences.tieOrder", "rotationPreferences.neverHosts"])
    .execute();
  const exceptions = await db
    .selectFrom("rotationExceptions")
    .innerJoin("organisations", "organisations.id", "rotationExceptions.organisationId")
    .where("organisations.networkId", "=", networkId)
    .select([
      "rotationExceptions.id",
      "rotationExceptions.organisationId",
      "rotationExceptions.reason",
      sql<string>`starts_on::text`.as("from"),
      sql<string>`ends_on::text`.as("to"),
    ])
    .orderBy("rotationExceptions.startsOn")
    .execute();
  const history = await db
    .selectFrom("meetings")
    .where("networkId", "=", networkId)
    .select(["hostOrganisationId as organisationId", "startsAt"])
    .execute();
  return {
    candidates: organisations.map((organisation) => ({
      organisationId: organisation.id,
      name: organisation.communeName,
      tieOrder: organisation.tieOrder ?? null,
      neverHosts: organisation.neverHosts ?? false,
      unavailable: exceptions
        .filter((exception) => exception.organisationId === organisation.id)
        .map(({ from, to }) => ({ from, to })),
    })),
    history,
    names: new Map(organisations.map((organisation) => [organisation.id, organisation.name])),
    exceptions,
  };
}

export function networkPlan(network: Pick<Network, "cadenceMonths" | "timeZone">, inputs: RotationInputs, now: Date): PlannedMeeting[] {
  return planCycle({ ...inputs, cadenceMonths: network.cadenceMonths, timeZone: network.timeZone, now });
}

export interface RotationSettingsRow {
  organisationId: string;
  name: string;
  tieOrder: number | null;
  neverHosts: boolean;
  lastHostedAt: Date | null;
  exceptions: Array<{ id: string; from: string; to: string; reason: string | null }>;
}

/** Every member CCAS in the order the rotation would take them, with its settings and declared absences. */
export async function rotationSettings(db: Executor, networkId: string): Promise<RotationSettingsRow[]> {
  const inputs = await loadRotationInputs(db, networkId);
  const queue = rotationQueue(inputs.candidates, inputs.history);
  // Members that no longer host still show when they last did.
  const everyone = rotationQueue(inputs.candidates.map((candidate) => ({ ...candidate, neverHosts: false })), inputs.history);
  const lastHosted = new Map(everyone.map((entry) => [entry.candidate.organisationId, entry.lastHostedAt]));
  const neverHosting = inputs.candidates
    .filter((candidate) => candidate.neverHosts)
    .map((candidate) => ({ candidate, lastHostedAt: lastHosted.get(candidate.organisationId) ?? null }));
  return [...queue, ...neverHosting].map(({ candidate, lastHostedAt }) => ({
    organisationId: candidate.organisationId,
    name: inputs.names.get(candidate.organisationId) ?? candidate.name,
    tieOrder: candidate.tieOrder,
    neverHosts: candidate.neverHosts,
    lastHostedAt,
    exceptions: inputs.exceptions
      .filter((exception) => exception.organisationId === candidate.organisationId)
      .map(({ id, from, to, reason }) => ({ id, from, to, reason })),
  }));
}

export type SettingResult = { ok: true } | { ok: false; message: string; field?: string };

export async function saveRotationPreference(
  db: Executor,
  input: { actor: Actor; networkId: string; organisationId: string; tieOrder: number | null; neverHosts: boolean },
): Promise<SettingResult> {
  authorize(input.actor, { action: "roundtable.plan", networkId: input.networkId });
  if (!(await findOrganisationInNetwork(db, input.networkId, input.organisationId))) {
    return { ok: false, message: "Ce CCAS ne fait pas partie du réseau." };
  }
  await db
    .insertInto("rotationPreferences")
    .values({ organisationId: input.organisationId, tieOrder: input.tieOrder, neverHosts: input.neverHosts })
    .onConflict((conflict) =>
      conflict.column("organisationId").doUpdateSet({ tieOrder: input.tieOrder, neverHosts: input.neverHosts, updatedAt: new Date() }),
    )
    .execute();
  await recordAudit(db, {
    action: "rotation_changed",
    actorUserId: input.actor.userId,
    networkId: input.networkId,
    organisationId: input.organisationId,
    detail: { summary: `${input.neverHosts ? "n'accueille pas" : "accueille"}${input.tieOrder !== null ? `, rang ${input.tieOrder}` : ""}` },
  });
  return { ok: true };
}

export async function addRotationException(
  db: Executor,
  input: { actor: Actor; networkId: string; organisationId: string; startsOn: string; endsOn: string; reason: string | null },
): Promise<SettingResult> {
  authorize(input.actor, { action: "roundtable.plan", networkId: input.networkId });
  if (!(await findOrganisationInNetwork(db, input.networkId, input.organisationId))) {
    return { ok: false, message: "Ce CCAS ne fait pas partie du réseau.", field: "organisationId" };
  }
  await db
    .insertInto("rotationExceptions")
    .values({
      organisationId: input.organisationId,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      reason: input.reason,
      createdBy: input.actor.userId,
    })
    .execute();
  await recordAudit(db, {
    action: "rotation_changed",
    actorUserId: input.actor.userId,
    networkId: input.networkId,
    organisationId: input.organisationId,
    detail: { summary: `indisponible du ${formatDate(input.startsOn)} au ${formatDate(input.endsOn)}${input.reason ? ` : ${input.reason}` : ""}` },
  });
  return { ok: true };
}

export async function removeRotationException(
  db: Executor,
  input: { actor: Actor; networkId: string; exceptionId: string },
): Promise<SettingResult> {
  authorize(input.actor, { action: "roundtable.plan", networkId: input.networkId });
  const removed = await db
    .deleteFrom("rotationExceptions")
    .where("id", "=", input.exceptionId)
    .where("organisationId", "in", (eb) => eb.selectFrom("organisations").select("id").where("networkId", "=", input.networkId))
    .executeTakeFirst();
  return removed.numDeletedRows > 0n ? { ok: true } : { ok: false, message: "Cette période n'existe plus." };
}
