import { describe, expect, it } from "vitest";
import { conventionSchema, editPurchaseSchema, offerSchema, respondSchema } from "../../app/features/purchases/schemas.ts";

/** What the forms refuse, in French, before anything reaches the database. */

function issues(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));
}

describe("purchase forms", () => {
  it("reads a need typed the French way into cents, and refuses a negative or non-numeric one", () => {
    const base = { intent: "respond", organisationId: "00000000-0000-4000-8000-000000000000", decision: "joined", boardApprovedOn: "2026-10-01" };
    expect(respondSchema.parse({ ...base, estimatedNeed: "12 345,67" }).estimatedNeed).toBe(1_234_567);
    expect(issues(respondSchema.safeParse({ ...base, estimatedNeed: "-1" })).estimatedNeed).toContain("montant positif");
    expect(issues(respondSchema.safeParse({ ...base, estimatedNeed: "beaucoup" })).estimatedNeed).toContain("montant positif");
  });

  const offer = { intent: "offer", providerName: "Cabinet", siret: "80123456700023", pricingKind: "tiers" };
  it("keeps the priced tiers of an offer, ignores unused rows and refuses a wrong SIRET", () => {
    const parsed = offerSchema.parse({ ...offer, tierMin1: "1", tierPrice1: "20 000", tierMin2: "5", tierPrice2: "15 000", tierMin3: "10" });
    expect(parsed.tiers).toEqual([
      { minParticipants: 1, priceCents: 2_000_000 },
      { minParticipants: 5, priceCents: 1_500_000 },
    ]);
    expect(issues(offerSchema.safeParse({ ...offer, siret: "80123456700024", tierMin1: "1", tierPrice1: "1" })).siret).toContain("Ce SIRET n'est pas valide");
    expect(issues(offerSchema.safeParse({ ...offer, tierMin1: "1" })).tierPrice1).toBe("Indiquez au moins un palier de prix.");
    expect(issues(offerSchema.safeParse({ ...offer, pricingKind: "fixed_per_inhabitant", fixedPart: "5000" })).perInhabitant).toBe("Indiquez le prix par habitant.");
  });

  it("refuses a convention whose renewal does not follow its start, or a share over 100 %", () => {
    const convention = { title: "Minibus", service: "transport_minibus", yearlyCost: "9 000", splitMethod: "residual", startsOn: "2027-01-01", renewsOn: "2026-01-01" };
    expect(issues(conventionSchema.safeParse(convention)).renewsOn).toBe("Le renouvellement doit suivre le début de la convention.");
    const over = conventionSchema.safeParse({ ...convention, renewsOn: "2028-01-01", parties: [{ organisationId: "x", share: "120" }] });
    expect(issues(over)["parties.0.share"]).toBe("La part ne peut pas dépasser 100 %.");
    expect(issues(conventionSchema.safeParse({ ...convention, renewsOn: "2028-01-01", yearlyCost: "-1" })).yearlyCost).toBe("Le coût annuel ne peut pas être négatif.");
  });

  it("per inhabitant: asks for a positive rate, reads it into cents, and needs no yearly cost", () => {
    const convention = { title: "Accueil commun", service: "front_desk", splitMethod: "per_inhabitant", startsOn: "2027-01-01", renewsOn: "2028-01-01", parties: [{ organisationId: "x" }] };
    const parsed = conventionSchema.parse({ ...convention, ratePerInhabitant: "3,60", yearlyCost: "" });
    expect(parsed).toMatchObject({ ratePerInhabitantCents: 360, yearlyCost: null, cofinancingBasisPoints: 0 });
    // A cost typed anyway is ignored: it is the sum of the contributions.
    expect(conventionSchema.parse({ ...convention, ratePerInhabitant: "3,60", yearlyCost: "999" }).yearlyCost).toBeNull();
    expect(issues(conventionSchema.safeParse(convention)).ratePerInhabitant).toBe("Indiquez le montant dû par habitant, par exemple 3,60.");
    expect(issues(conventionSchema.safeParse({ ...convention, ratePerInhabitant: "0" })).ratePerInhabitant).toBe("Le montant par habitant doit être positif.");
    expect(issues(conventionSchema.safeParse({ ...convention, ratePerInhabitant: "trois" })).ratePerInhabitant).toContain("montant positif en euros");
    // Other keys still need the yearly cost.
    expect(issues(conventionSchema.safeParse({ ...convention, splitMethod: "equal" })).yearlyCost).toBe("Le coût annuel : indiquez un montant en euros.");
  });

  it("edits a project with the creation fields and checks, without its coordinating CCAS", () => {
    const edit = { intent: "edit", subject: "ABS 2027", needDescription: "Analyse des besoins sociaux.", contactName: "Denis Durand", joinDeadline: "2027-03-31" };
    expect(editPurchaseSchema.parse({ ...edit, coordinatingOrganisationId: "00000000-0000-4000-8000-000000000000" })).toEqual({ ...edit, contactEmail: null });
    expect(issues(editPurchaseSchema.safeParse({ ...edit, subject: "AB" })).subject).toBe("L'objet doit faire au moins 3 caractères.");
    expect(issues(editPurchaseSchema.safeParse({ ...edit, contactEmail: "non" })).contactEmail).toBe("Indiquez une adresse e-mail valide.");
    expect(issues(editPurchaseSchema.safeParse({ ...edit, joinDeadline: "" })).joinDeadline).toBe("Indiquez la date limite d'adhésion.");
  });
});
