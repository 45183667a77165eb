import { z } from "zod";
import { parseEurosToCents, parsePercentToBasisPoints } from "./money.ts";
import { isValidSiret } from "./siret.ts";

/** Group purchase, convention and ABS forms: shared by the server (authoritative) and the browser (conform). */

const uuid = (message: string) => z.string({ error: message }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, message);
const date = (message: string) => z.string({ error: message }).regex(/^\d{4}-\d{2}-\d{2}$/, message);
const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(min, `${label} doit faire au moins ${min} caractères.`)
    .max(max, `${label} ne doit pas dépasser ${max} caractères.`);
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} ne doit pas dépasser ${max} caractères.`)
    .optional()
    .transform((value) => value || null);

/** An amount in euros typed the French way, to integer cents, never negative; an empty field is null (required or not, the caller says). */
const eurosOrEmpty = (label: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value?.trim()) return null;
      const cents = parseEurosToCents(value);
      if (cents === null) {
        context.addIssue({ code: "custom", message: `${label} : indiquez un montant en euros, par exemple 12 000,50.` });
        return z.NEVER;
      }
      if (cents < 0) {
        context.addIssue({ code: "custom", message: `${label} ne peut pas être négatif.` });
        return z.NEVER;
      }
      return cents;
    });
const optionalEuros = (label: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value?.trim()) return null;
      const cents = parseEurosToCents(value);
      if (cents === null || cents < 0) {
        context.addIssue({ code: "custom", message: `${label} : indiquez un montant positif en euros, par exemple 12 000,50.` });
        return z.NEVER;
      }
      return cents;
    });
const optionalPercent = (label: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value?.trim()) return null;
      const basisPoints = parsePercentToBasisPoints(value);
      if (basisPoints === null) {
        context.addIssue({ code: "custom", message: `${label} : indiquez un pourcentage, par exemple 15 ou 12,5.` });
        return z.NEVER;
      }
      if (basisPoints < 0) {
        context.addIssue({ code: "custom", message: `${label} : indiquez un pourcentage positif.` });
        return z.NEVER;
      }
      if (basisPoints > 10000) {
        context.addIssue({ code: "custom", message: `${label} ne peut pas dépasser 100 %.` });
        return z.NEVER;
      }
      return basisPoints;
    });

const purchaseFields = {
  subject: text("L'objet", 3, 200),
  needDescription: text("La description du besoin", 10, 4000),
  coordinatingOrganisationId: uuid("Choisissez le CCAS coordonnateur."),
  contactName: text("Le nom du contact", 2, 120),
  contactEmail: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || null)
    .refine((value) => value === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), "Indiquez une adresse e-mail valide."),
  joinDeadline: date("Indiquez la date limite d'adhésion."),
};

export const createPurchaseSchema = z.object(purchaseFields);

/** Editing a project after creation: the same fields and checks, its coordinating CCAS excepted. */
export const editPurchaseSchema = z.object({ ...purchaseFields, intent: z.literal("edit") }).omit({ coordinatingOrganisationId: true });

export const respondSchema = z.object({
  intent: z.literal("respond"),
  organisationId: uuid("CCAS inconnu."),
  decision: z.enum(["interested", "joined", "declined"], { error: "Choisissez votre réponse." }),
  estimatedNeed: optionalEuros("Le besoin estimé"),
  boardApprovedOn: z
    .string()
    .optional()
    .transform((value) => value || null)
    .refine((value) => value === null || /^\d{4}-\d{2}-\d{2}$/.test(value), "Indiquez la date de la délibération."),
});

const tierCount = 4;
const tierMin = z.string().optional();
const tierFields = {
  tierMin1: tierMin,
  tierPrice1: optionalEuros("Le prix du palier 1"),
  tierMin2: tierMin,
  tierPrice2: optionalEuros("Le prix du palier 2"),
  tierMin3: tierMin,
  tierPrice3: optionalEuros("Le prix du palier 3"),
  tierMin4: tierMin,
  tierPrice4: optionalEuros("Le prix du palier 4"),
};

export const offerSchema = z
  .object({
    intent: z.literal("offer"),
    providerName: text("Le nom du prestataire", 2, 200),
    siret: z
      .string({ error: "Indiquez le SIRET du prestataire." })
      .trim()
      .refine((value) => /^\d{14}$/.test(value.replace(/[\s.-]/g, "")), "Le SIRET compte 14 chiffres.")
      .refine((value) => isValidSiret(value), "Ce SIRET n'est pas valide : vérifiez les chiffres (la clé de contrôle ne correspond pas)."),
    contact: optionalText("Le contact", 300),
    pricingKind: z.enum(["tiers", "fixed_per_inhabitant"], { error: "Choisissez la forme du prix." }),
    fixedPart: optionalEuros("La part fixe"),
    perInhabitant: optionalEuros("La part par habitant"),
    notes: optionalText("Les remarques", 2000),
    ...tierFields,
  })
  .transform((value, context) => {
    const record = value as Record<string, unknown>;
    if (value.pricingKind === "fixed_per_inhabitant") {
      if (value.fixedPart === null) context.addIssue({ code: "custom", path: ["fixedPart"], message: "Indiquez la part fixe (0 s'il n'y en a pas)." });
      if (value.perInhabitant === null) context.addIssue({ code: "custom", path: ["perInhabitant"], message: "Indiquez le prix par habitant." });
      return { ...value, tiers: [] as Array<{ minParticipants: number; priceCents: number }> };
    }
    const tiers: Array<{ minParticipants: number; priceCents: number }> = [];
    for (let index = 1; index <= tierCount; index += 1) {
      const price = record[`tierPrice${index}`] as number | null;
      const minText = String(record[`tierMin${index}`] ?? "").trim();
      // A tier without a price is an unused row (the form suggests 1, 3, 5, 10).
      if (price === null) continue;
      const min = Number(minText);
      if (!Number.isInteger(min) || min < 1 || min > 1000) {
        context.addIssue({ code: "custom", path: [`tierMin${index}`], message: `Palier ${index} : indiquez à partir de combien de CCAS (un entier, 1 au moins).` });
        continue;
      }
      if (tiers.some((tier) => tier.minParticipants === min)) {
        context.addIssue({ code: "custom", path: [`tierMin${index}`], message: `Deux paliers commencent à ${min} CCAS.` });
        continue;
      }
      tiers.push({ minParticipants: min, priceCents: price });
    }
    if (tiers.length === 0) context.addIssue({ code: "custom", path: ["tierPrice1"], message: "Indiquez au moins un palier de prix." });
    return { ...value, tiers };
  });

export const awardSchema = z.object({
  intent: z.literal("award"),
  offerId: uuid("Choisissez l'offre retenue."),
  reason: text("La raison du choix", 10, 2000),
});

export const orderSchema = z.object({
  intent: z.literal("order"),
  organisationId: uuid("CCAS inconnu."),
  decision: z.enum(["confirmed", "declined"]),
});

export const stageSchema = z.object({
  intent: z.literal("stage"),
  stage: z.enum(["needs", "consultation", "negotiation", "award", "execution", "closed"], { error: "Choisissez l'étape." }),
});

export const conventionSchema = z
  .object({
    title: text("L'intitulé", 3, 200),
    service: z.enum(["rsa_referent", "meal_delivery", "transport_minibus", "emergency_housing", "microcredit", "front_desk", "other"], {
      error: "Choisissez le service partagé.",
    }),
    yearlyCost: eurosOrEmpty("Le coût annuel"),
    splitMethod: z.enum(["equal", "population", "caseload", "percentage", "residual", "per_inhabitant"], { error: "Choisissez la clé de répartition." }),
    cofinancerName: optionalText("Le cofinanceur", 200),
    cofinancing: optionalPercent("Le cofinancement"),
    ratePerInhabitant: optionalEuros("Le montant par habitant"),
    startsOn: date("Indiquez la date de début."),
    renewsOn: date("Indiquez la date de renouvellement."),
    parties: z
      .array(
        z.object({
          organisationId: z.string().optional(),
          caseload: z.string().optional(),
          share: optionalPercent("La part"),
        }),
      )
      .optional()
      .default([]),
  })
  .transform((value, context) => {
    const parties: Array<{ organisationId: string; caseload: number | null; basisPoints: number | null }> = [];
    value.parties.forEach((party, index) => {
      if (!party.organisationId) return;
      let caseload: number | null = null;
      if (party.caseload?.trim()) {
        caseload = Number(party.caseload.trim());
        if (!Number.isInteger(caseload) || caseload < 0) {
          context.addIssue({ code: "custom", path: ["parties", index, "caseload"], message: "Indiquez un nombre entier de suivis, positif ou nul." });
          return;
        }
      }
      parties.push({ organisationId: party.organisationId, caseload, basisPoints: party.share });
    });
    if (value.renewsOn <= value.startsOn) context.addIssue({ code: "custom", path: ["renewsOn"], message: "Le renouvellement doit suivre le début de la convention." });
    const perInhabitant = value.splitMethod === "per_inhabitant";
    // Per inhabitant, the yearly cost is what the parties owe together: computed, not typed.
    if (!perInhabitant && value.yearlyCost === null) context.addIssue({ code: "custom", path: ["yearlyCost"], message: "Le coût annuel : indiquez un montant en euros." });
    if (perInhabitant && value.ratePerInhabitant === null) {
      context.addIssue({ code: "custom", path: ["ratePerInhabitant"], message: "Indiquez le montant dû par habitant, par exemple 3,60." });
    } else if (perInhabitant && value.ratePerInhabitant === 0) {
      context.addIssue({ code: "custom", path: ["ratePerInhabitant"], message: "Le montant par habitant doit être positif." });
    }
    return {
      ...value,
      parties,
      yearlyCost: perInhabitant ? null : value.yearlyCost,
      cofinancingBasisPoints: value.splitMethod === "residual" ? (value.cofinancing ?? 0) : 0,
      ratePerInhabitantCents: perInhabitant ? value.ratePerInhabitant : null,
    };
  });

/** A convention as creating and editing store it, from the form's checked value. */
export function conventionInput(value: z.output<typeof conventionSchema>) {
  return {
    title: value.title,
    service: value.service,
    yearlyCostCents: value.yearlyCost,
    splitMethod: value.splitMethod,
    cofinancerName: value.splitMethod === "residual" ? value.cofinancerName : null,
    cofinancingBasisPoints: value.cofinancingBasisPoints,
    ratePerInhabitantCents: value.ratePerInhabitantCents,
    startsOn: value.startsOn,
    renewsOn: value.renewsOn,
    parties: value.parties,
  };
}

/** Renewing: a new renewal date and the year's cost (none with the per-inhabitant key, whose cost follows the rate). */
export const renewConventionSchema = z.object({
  intent: z.literal("renew").optional(),
  yearlyCost: eurosOrEmpty("Le coût annuel"),
  renewsOn: date("Indiquez la nouvelle date de renouvellement."),
});

export const serviceLabels: Record<string, string> = {
  rsa_referent: "Référent RSA",
  meal_delivery: "Portage de repas",
  transport_minibus: "Minibus de transport à la demande",
  emergency_housing: "Logement d'urgence",
  microcredit: "Microcrédit",
  front_desk: "Accueil social commun",
  other: "Autre service partagé",
};

export const absSchema = z.object({
  organisationId: uuid("CCAS inconnu."),
  status: z.enum(["not_started", "provider_chosen", "in_progress", "presented"], { error: "Choisissez l'état de l'ABS." }),
  presentedOn: z
    .string()
    .optional()
    .transform((value) => value || null),
  groupPurchaseId: z
    .string()
    .optional()
    .transform((value) => value || null),
});
