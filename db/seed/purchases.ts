import { DateTime } from "luxon";
import type { Executor } from "../client.ts";

/**
 * Demo group purchases and conventions: the ABS 2027 studies Val Parisis
 * negotiates together (coordinated by Ermont, under consultation, one offer in),
 * the first ABS statuses, and the RSA referent shared by Villerupt, Thil and
 * Hussigny-Godbrange (60 % from the département, 15 % of the rest for each small commune).
 * Dates are relative to the day the demo is created.
 */
export async function seedDemoPurchases(
  db: Executor,
  input: {
    valParisisId: string;
    paysHautId: string;
    organisation: (key: string) => string;
    user: (email: string) => string;
  },
  now = new Date(),
): Promise<void> {
  const today = DateTime.fromJSDate(now, { zone: "Europe/Paris" }).startOf("day");
  const iso = (date: DateTime) => date.toISODate()!;
  const coordinator = input.user("coordination@valparisis.demo.tablee.fr");
  const ermontDirector = input.user("direction@ccas-ermont.demo.tablee.fr");
  const ermont = input.organisation("val-parisis:95219");
  const demoCcas = new Set([ermont, input.organisation("val-parisis:95252"), input.organisation("val-parisis:95607")]);

  const purchase = await db
    .insertInto("groupPurchases")
    .values({
      networkId: input.valParisisId,
      subject: "Analyse des besoins sociaux 2027",
      needDescription:
        "Étude de l'ABS que chaque CCAS doit présenter à son conseil d'administration en 2027 (R123-1 CASF) : diagnostic socio-démographique, portraits de territoire, analyse thématique au choix, restitution au conseil d'administration.",
      coordinatingOrganisationId: ermont,
      contactName: "Denis Durand",
      contactEmail: "direction@ccas-ermont.demo.tablee.fr",
      joinDeadline: iso(today.plus({ days: 45 })),
      referenceDate: iso(today.minus({ days: 30 })),
      stage: "consultation",
      createdBy: coordinator,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("groupPurchaseStageChanges")
    .values([
      { purchaseId: purchase.id, fromStage: null, toStage: "needs", changedBy: coordinator, changedAt: today.minus({ days: 30 }).toJSDate() },
      { purchaseId: purchase.id, fromStage: "needs", toStage: "consultation", changedBy: ermontDirector, changedAt: today.minus({ days: 10 }).toJSDate() },
    ])
    .execute();

  const others = (
    await db.selectFrom("organisations").select(["id", "name"]).where("networkId", "=", input.valParisisId).orderBy("name").execute()
  ).filter((organisation) => !demoCcas.has(organisation.id));
  const joined = [ermont, ...others.slice(0, 4).map((organisation) => organisation.id)];
  const needs = [1_800_000, 1_600_000, 1_750_000, 1_500_000, 1_900_000];
  await db
    .insertInto("groupPurchaseParticipants")
    .values([
      ...joined.map((organisationId, index) => ({
        purchaseId: purchase.id,
        organisationId,
        decision: "joined" as const,
        estimatedNeedCents: needs[index]!,
        boardApprovedOn: iso(today.minus({ days: 20 + index })),
      })),
      ...others.slice(4, 6).map((organisation) => ({ purchaseId: purchase.id, organisationId: organisation.id, decision: "interested" as const, estimatedNeedCents: null, boardApprovedOn: null })),
      { purchaseId: purchase.id, organisationId: others[6]!.id, decision: "declined" as const, estimatedNeedCents: null, boardApprovedOn: null },
    ])
    .execute();

  const provider = await db
    .insertInto("providers")
    .values({ networkId: input.valParisisId, name: "Compas Études et Territoires", siret: "41234567800012", contact: "Hélène Garnier, 01 40 00 00 00" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const offer = await db
    .insertInto("purchaseOffers")
    .values({ purchaseId: purchase.id, providerId: provider.id, pricingKind: "tiers", notes: "Restitution au conseil d'administration incluse.", recordedBy: ermontDirector })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("purchaseOfferTiers")
    .values([
      { offerId: offer.id, minParticipants: 1, priceCents: 2_400_000 },
      { offerId: offer.id, minParticipants: 3, priceCents: 1_950_000 },
      { offerId: offer.id, minParticipants: 5, priceCents: 1_700_000 },
      { offerId: offer.id, minParticipants: 10, priceCents: 1_500_000 },
    ])
    .execute();

  await db
    .insertInto("absStatuses")
    .values([
      { organisationId: ermont, status: "provider_chosen", groupPurchaseId: purchase.id, updatedBy: ermontDirector },
      { organisationId: others[0]!.id, status: "in_progress", groupPurchaseId: null, updatedBy: coordinator },
    ])
    .execute();

  const convention = await db
    .insertInto("conventions")
    .values({
      networkId: input.paysHautId,
      title: "Référent RSA partagé Villerupt – Thil – Hussigny-Godbrange",
      service: "rsa_referent",
      yearlyCostCents: 5_200_000,
      splitMethod: "residual",
      cofinancerName: "Département de Meurthe-et-Moselle",
      cofinancingBasisPoints: 6000,
      startsOn: iso(today.startOf("year")),
      renewsOn: iso(today.plus({ months: 4 }).startOf("month")),
      createdBy: input.user("coordination@payshaut.demo.tablee.fr"),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("conventionParties")
    .values([
      { conventionId: convention.id, organisationId: input.organisation("pays-haut:54580"), caseload: 140, basisPoints: null },
      { conventionId: convention.id, organisationId: input.organisation("pays-haut:54521"), caseload: 30, basisPoints: 1500 },
      { conventionId: convention.id, organisationId: input.organisation("pays-haut:54270"), caseload: 30, basisPoints: 1500 },
    ])
    .execute();
}
