import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { ParticipantDecision, PurchaseStage } from "../../../db/schema.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { findOrganisationInNetwork } from "../network/organisations.server.ts";
import { compareOffer, describePricing, priceFor, type OfferPricing } from "./offers.ts";
import { normaliseSiret } from "./siret.ts";
import { procedureFor, type Threshold } from "./thresholds.ts";

/** Group purchases: from the needs of each CCAS to an awarded offer and each CCAS's own order. */

export type FieldFailure<F extends string> = { ok: false; field?: F; message: string };

export interface PurchaseRecord {
  id: string;
  networkId: string;
  subject: string;
  needDescription: string;
  coordinatingOrganisationId: string;
  coordinatingName: string;
  contactName: string;
  contactEmail: string | null;
  joinDeadline: string;
  referenceDate: string;
  stage: PurchaseStage;
  awardedOfferId: string | null;
  awardReason: string | null;
  awardedAt: Date | null;
}

function purchasesQuery(db: Executor) {
  return db
    .selectFrom("groupPurchases")
    .innerJoin("organisations", "organisations.id", "groupPurchases.coordinatingOrganisationId")
    .select([
      "groupPurchases.id",
      "groupPurchases.networkId",
      "groupPurchases.subject",
      "groupPurchases.needDescription",
      "groupPurchases.coordinatingOrganisationId",
      "organisations.name as coordinatingName",
      "groupPurchases.contactName",
      "groupPurchases.contactEmail",
      sql<string>`group_purchases.join_deadline::text`.as("joinDeadline"),
      sql<string>`group_purchases.reference_date::text`.as("referenceDate"),
      "groupPurchases.stage",
      "groupPurchases.awardedOfferId",
      "groupPurchases.awardReason",
      "groupPurchases.awardedAt",
    ]);
}

export async function findPurchaseInNetwork(db: Executor, networkId: string, purchaseId: string): Promise<PurchaseRecord | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(purchaseId)) return undefined;
  return purchasesQuery(db).where("groupPurchases.networkId", "=", networkId).where("groupPurchases.id", "=", purchaseId).executeTakeFirst();
}

export async function listPurchases(db: Executor, networkId: string) {
  const purchases = await purchasesQuery(db).where("groupPurchases.networkId", "=", networkId).orderBy("groupPurchases.createdAt", "desc").execute();
  const counts = await db
    .selectFrom("groupPurchaseParticipants")
    .innerJoin("groupPurchases", "groupPurchases.id", "groupPurchaseParticipants.purchaseId")
    .where("groupPurchases.networkId", "=", networkId)
    .where("groupPurchaseParticipants.decision", "=", "joined")
    .groupBy("groupPurchaseParticipants.purchaseId")
    .select(["groupPurchaseParticipants.purchaseId", sql<number>`count(*)::int`.as("joined"), sql<number>`coalesce(sum(estimated_need_cents), 0)::bigint`.as("needCents")])
    .execute();
  const byPurchase = new Map(counts.map((row) => [row.purchaseId, row]));
  return purchases.map((purchase) => ({ ...purchase, joined: byPurchase.get(purchase.id)?.joined ?? 0, needCents: Number(byPurchase.get(purchase.id)?.needCents ?? 0) }));
}

export async function loadThresholds(db: Executor): Promise<Threshold[]> {
  return db
    .selectFrom("procurementThresholds")
    .select(["kind", "amountCents", sql<string>`valid_from::text`.as("validFrom"), sql<string | null>`valid_until::text`.as("validUntil"), "source"])
    .orderBy("validFrom")
    .execute();
}

export interface PurchaseInput {
  subject: string;
  needDescription: string;
  coordinatingOrganisationId: string;
  contactName: string;
  contactEmail: string | null;
  joinDeadline: string;
}

export async function createPurchase(
  db: Executor,
  input: { actor: Actor; networkId: string; today: string; purchase: PurchaseInput },
): Promise<{ ok: true; purchaseId: string } | FieldFailure<"coordinatingOrganisationId" | "joinDeadline">> {
  const { actor, networkId, purchase } = input;
  const coordinating = await findOrganisationInNetwork(db, networkId, purchase.coordinatingOrganisationId);
  if (!coordinating) return { ok: false, field: "coordinatingOrganisationId", message: "Ce CCAS ne fait pas partie du réseau." };
  authorize(actor, { action: "purchase.create", networkId, coordinatingOrganisationId: coordinating.id });
  if (purchase.joinDeadline < input.today) return { ok: false, field: "joinDeadline", message: "La date limite d'adhésion ne peut pas être passée." };
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto("groupPurchases")
      .values({ ...purchase, networkId, referenceDate: input.today, createdBy: actor.userId })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx.insertInto("groupPurchaseStageChanges").values({ purchaseId: row.id, fromStage: null, toStage: "needs", changedBy: actor.userId }).execute();
    return { ok: true as const, purchaseId: row.id };
  });
}

export type EditablePurchase = Omit<PurchaseInput, "coordinatingOrganisationId">;

const purchaseFieldLabels: Record<keyof EditablePurchase, string> = {
  subject: "objet",
  needDescription: "description du besoin",
  contactName: "contact",
  contactEmail: "e-mail du contact",
  joinDeadline: "date limite d'adhésion",
};

/**
 * Editing a project after creation (subject, need, contact, deadline), by who manages it. A deadline
 * moved must not be in the past; one left as it was may be (the project goes on after it). Journaled.
 */
export async function updatePurchase(
  db: Executor,
  input: { actor: Actor; purchase: PurchaseRecord; today: string; changes: EditablePurchase },
): Promise<{ ok: true } | FieldFailure<"joinDeadline">> {
  const { actor, purchase, changes } = input;
  authorize(actor, { action: "purchase.manage", networkId: purchase.networkId, coordinatingOrganisationId: purchase.coordinatingOrganisationId });
  if (changes.joinDeadline !== purchase.joinDeadline && changes.joinDeadline < input.today) {
    return { ok: false, field: "joinDeadline", message: "La date limite d'adhésion ne peut pas être passée." };
  }
  const changed = (Object.keys(purchaseFieldLabels) as Array<keyof EditablePurchase>).filter((field) => (changes[field] ?? null) !== (purchase[field] ?? null));
  if (changed.length === 0) return { ok: true };
  await inTransaction(db, async (tx) => {
    await tx.updateTable("groupPurchases").set(changes).where("id", "=", purchase.id).execute();
    await recordAudit(tx, {
      action: "purchase_updated",
      actorUserId: actor.userId,
      networkId: purchase.networkId,
      organisationId: purchase.coordinatingOrganisationId,
      detail: { purchaseId: purchase.id, changed, summary: `Achat groupé « ${changes.subject} » : ${changed.map((field) => purchaseFieldLabels[field]).join(", ")}` },
    });
  });
  return { ok: true };
}

export async function changeStage(db: Executor, input: { actor: Actor; purchase: PurchaseRecord; stage: PurchaseStage }) {
  const { actor, purchase } = input;
  authorize(actor, { action: "purchase.manage", networkId: purchase.networkId, coordinatingOrganisationId: purchase.coordinatingOrganisationId });
  if (input.stage === purchase.stage) return;
  await inTransaction(db, async (tx) => {
    await tx.updateTable("groupPurchases").set({ stage: input.stage }).where("id", "=", purchase.id).execute();
    await tx.insertInto("groupPurchaseStageChanges").values({ purchaseId: purchase.id, fromStage: purchase.stage, toStage: input.stage, changedBy: actor.userId }).execute();
  });
}

export type RespondField = "decision" | "estimatedNeed" | "boardApprovedOn";

/** A CCAS says whether it is interested, joins (with its need and board approval), or declines. */
export async function respondToPurchase(
  db: Executor,
  input: {
    actor: Actor;
    purchase: PurchaseRecord;
    organisationId: string;
    today: string;
    decision: ParticipantDecision;
    estimatedNeedCents: number | null;
    boardApprovedOn: string | null;
  },
): Promise<{ ok: true } | FieldFailure<RespondField>> {
  const { actor, purchase } = input;
  const organisation = await findOrganisationInNetwork(db, purchase.networkId, input.organisationId);
  if (!organisation) return { ok: false, message: "Ce CCAS ne fait pas partie du réseau." };
  authorize(actor, { action: "purchase.respond", networkId: purchase.networkId, organisationId: organisation.id });
  if (input.decision !== "declined" && input.today > purchase.joinDeadline) {
    return { ok: false, field: "decision", message: "La date limite d'adhésion est passée : contactez le CCAS coordonnateur." };
  }
  if (input.decision === "joined") {
    if (input.estimatedNeedCents === null) return { ok: false, field: "estimatedNeed", message: "Indiquez le besoin estimé en euros HT pour adhérer." };
    if (input.boardApprovedOn === null) return { ok: false, field: "boardApprovedOn", message: "Indiquez la date de la délibération du conseil d'administration." };
    if (input.boardApprovedOn > input.today) return { ok: false, field: "boardApprovedOn", message: "La délibération ne peut pas être datée dans le futur." };
  }
  const values = {
    decision: input.decision,
    estimatedNeedCents: input.decision === "declined" ? null : input.estimatedNeedCents,
    boardApprovedOn: input.decision === "joined" ? input.boardApprovedOn : null,
    updatedBy: actor.userId,
    updatedAt: new Date(),
  };
  await db
    .insertInto("groupPurchaseParticipants")
    .values({ purchaseId: purchase.id, organisationId: organisation.id, ...values })
    .onConflict((conflict) => conflict.columns(["purchaseId", "organisationId"]).doUpdateSet(values))
    .execute();
  return { ok: true };
}

export interface OfferInput {
  providerName: string;
  siret: string;
  contact: string | null;
  pricing: OfferPricing;
  notes: string | null;
}

export async function recordOffer(db: Executor, input: { actor: Actor; purchase: PurchaseRecord; offer: OfferInput }) {
  const { actor, purchase, offer } = input;
  authorize(actor, { action: "purchase.manage", networkId: purchase.networkId, coordinatingOrganisationId: purchase.coordinatingOrganisationId });
  const siret = normaliseSiret(offer.siret);
  return inTransaction(db, async (tx) => {
    // A provider is known by its SIRET within the network: a second offer reuses it.
    const provider = await tx
      .insertInto("providers")
      .values({ networkId: purchase.networkId, name: offer.providerName, siret, contact: offer.contact })
      .onConflict((conflict) => conflict.columns(["networkId", "siret"]).doUpdateSet({ name: offer.providerName, contact: offer.contact }))
      .returning("id")
      .executeTakeFirstOrThrow();
    const row = await tx
      .insertInto("purchaseOffers")
      .values({
        purchaseId: purchase.id,
        providerId: provider.id,
        pricingKind: offer.pricing.kind,
        fixedCents: offer.pricing.kind === "fixed_per_inhabitant" ? offer.pricing.fixedCents : null,
        perInhabitantCents: offer.pricing.kind === "fixed_per_inhabitant" ? offer.pricing.perInhabitantCents : null,
        notes: offer.notes,
        recordedBy: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (offer.pricing.kind === "tiers") {
      await tx
        .insertInto("purchaseOfferTiers")
        .values(offer.pricing.tiers.map((tier) => ({ offerId: row.id, minParticipants: tier.minParticipants, priceCents: tier.priceCents })))
        .execute();
    }
    return row.id;
  });
}

export async function awardOffer(
  db: Executor,
  input: { actor: Actor; purchase: PurchaseRecord; offerId: string; reason: string },
): Promise<{ ok: true } | FieldFailure<"offerId">> {
  const { actor, purchase } = input;
  authorize(actor, { action: "purchase.manage", networkId: purchase.networkId, coordinatingOrganisationId: purchase.coordinatingOrganisationId });
  const offer = await db.selectFrom("purchaseOffers").select("id").where("id", "=", input.offerId).where("purchaseId", "=", purchase.id).executeTakeFirst();
  if (!offer) return { ok: false, field: "offerId", message: "Choisissez une des offres reçues." };
  await inTransaction(db, async (tx) => {
    await tx
      .updateTable("groupPurchases")
      .set({ awardedOfferId: offer.id, awardReason: input.reason, awardedAt: new Date(), awardedBy: actor.userId, stage: "award" })
      .where("id", "=", purchase.id)
      .execute();
    if (purchase.stage !== "award") {
      await tx.insertInto("groupPurchaseStageChanges").values({ purchaseId: purchase.id, fromStage: purchase.stage, toStage: "award", changedBy: actor.userId }).execute();
    }
    // A new award asks every member again.
    await tx.updateTable("groupPurchaseParticipants").set({ orderDecision: null, orderDecidedAt: null }).where("purchaseId", "=", purchase.id).execute();
  });
  return { ok: true };
}

export async function decideOrder(
  db: Executor,
  input: { actor: Actor; purchase: PurchaseRecord; organisationId: string; decision: "confirmed" | "declined" },
): Promise<{ ok: true } | FieldFailure<"decision">> {
  const { actor, purchase } = input;
  authorize(actor, { action: "purchase.respond", networkId: purchase.networkId, organisationId: input.organisationId });
  if (!purchase.awardedOfferId) return { ok: false, message: "Aucune offre n'a encore été retenue." };
  const updated = await db
    .updateTable("groupPurchaseParticipants")
    .set({ orderDecision: input.decision, orderDecidedAt: new Date(), updatedBy: actor.userId })
    .where("purchaseId", "=", purchase.id)
    .where("organisationId", "=", input.organisationId)
    .where("decision", "=", "joined")
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return { ok: false, message: "Seul un CCAS adhérent confirme ou décline sa commande." };
  return { ok: true };
}

async function loadOffers(db: Executor, purchaseId: string) {
  const offers = await db
    .selectFrom("purchaseOffers")
    .innerJoin("providers", "providers.id", "purchaseOffers.providerId")
    .where("purchaseOffers.purchaseId", "=", purchaseId)
    .select([
      "purchaseOffers.id",
      "providers.name as providerName",
      "providers.siret",
      "providers.contact",
      "purchaseOffers.pricingKind",
      "purchaseOffers.fixedCents",
      "purchaseOffers.perInhabitantCents",
      "purchaseOffers.notes",
    ])
    .orderBy("purchaseOffers.createdAt")
    .execute();
  const tiers = offers.length
    ? await db.selectFrom("purchaseOfferTiers").selectAll().where("offerId", "in", offers.map((offer) => offer.id)).orderBy("minParticipants").execute()
    : [];
  return offers.map((offer) => {
    const pricing: OfferPricing =
      offer.pricingKind === "tiers"
        ? { kind: "tiers", tiers: tiers.filter((tier) => tier.offerId === offer.id).map((tier) => ({ minParticipants: tier.minParticipants, priceCents: Number(tier.priceCents) })) }
        : { kind: "fixed_per_inhabitant", fixedCents: Number(offer.fixedCents), perInhabitantCents: Number(offer.perInhabitantCents) };
    return { id: offer.id, providerName: offer.providerName, siret: offer.siret, contact: offer.contact, notes: offer.notes, pricing, description: describePricing(pricing) };
  });
}

/** Every CCAS of the network with its answer (or none yet). */
async function loadParticipants(db: Executor, purchase: PurchaseRecord) {
  const rows = await db
    .selectFrom("organisations")
    .leftJoin("groupPurchaseParticipants as p", (join) => join.onRef("p.organisationId", "=", "organisations.id").on("p.purchaseId", "=", purchase.id))
    .where("organisations.networkId", "=", purchase.networkId)
    .select([
      "organisations.id as organisationId",
      "organisations.name",
      "organisations.population",
      "organisations.populationYear",
      "p.decision",
      "p.estimatedNeedCents",
      sql<string | null>`p.board_approved_on::text`.as("boardApprovedOn"),
      "p.orderDecision",
    ])
    .orderBy("organisations.name")
    .execute();
  return rows.map((row) => ({ ...row, estimatedNeedCents: row.estimatedNeedCents === null ? null : Number(row.estimatedNeedCents) }));
}

export async function purchaseDetails(db: Executor, purchase: PurchaseRecord) {
  const [participants, offers, thresholds, history] = await Promise.all([
    loadParticipants(db, purchase),
    loadOffers(db, purchase.id),
    loadThresholds(db),
    db
      .selectFrom("groupPurchaseStageChanges")
      .leftJoin("users", "users.id", "groupPurchaseStageChanges.changedBy")
      .where("purchaseId", "=", purchase.id)
      .select(["fromStage", "toStage", "changedAt", "users.name as changedByName"])
      .orderBy("changedAt")
      .execute(),
  ]);
  const joined = participants.filter((participant) => participant.decision === "joined");
  const combinedNeedCents = joined.reduce((acc, participant) => acc + (participant.estimatedNeedCents ?? 0), 0);
  // After the award, a CCAS that declines its order no longer counts towards the price tier.
  const buying = joined.filter((participant) => participant.orderDecision !== "declined");
  const priced = buying.map((participant) => ({ organisationId: participant.organisationId, name: participant.name, population: participant.population }));
  return {
    participants,
    offers: offers.map((offer) => ({ ...offer, comparison: compareOffer(offer.pricing, priced) })),
    combinedNeedCents,
    procedure: procedureFor(combinedNeedCents, thresholds, purchase.referenceDate),
    history,
    awardedOffer: offers.find((offer) => offer.id === purchase.awardedOfferId) ?? null,
  };
}

export interface PurchaseShare {
  organisationId: string;
  name: string;
  population: number | null;
  orderDecision: "confirmed" | "declined" | null;
  cents: number | null;
}

/** What each member owes under the awarded offer, for the members that have not declined their order. */
export async function purchaseShares(db: Executor, purchase: PurchaseRecord) {
  const details = await purchaseDetails(db, purchase);
  const offer = details.awardedOffer;
  if (!offer) return null;
  const buying = details.participants.filter((participant) => participant.decision === "joined" && participant.orderDecision !== "declined");
  const shares: PurchaseShare[] = buying.map((participant) => ({
    organisationId: participant.organisationId,
    name: participant.name,
    population: participant.population,
    orderDecision: participant.orderDecision,
    cents: priceFor(offer.pricing, buying.length, participant.population),
  }));
  return { offer, shares, participantCount: buying.length, totalCents: shares.reduce((acc, share) => acc + (share.cents ?? 0), 0) };
}
