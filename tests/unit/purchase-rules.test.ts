import { describe, expect, it } from "vitest";
import { expectedStep, isLate } from "../../app/features/purchases/abs.ts";
import { compareOffer, priceFor } from "../../app/features/purchases/offers.ts";
import { isValidSiret } from "../../app/features/purchases/siret.ts";
import { procedureFor, type Threshold } from "../../app/features/purchases/thresholds.ts";

const thresholds: Threshold[] = [
  { kind: "no_publicity", amountCents: 4_000_000, validFrom: "2019-01-01", validUntil: "2026-04-01", source: "" },
  { kind: "no_publicity", amountCents: 6_000_000, validFrom: "2026-04-01", validUntil: null, source: "" },
  { kind: "formalised", amountCents: 21_600_000, validFrom: "2026-01-01", validUntil: null, source: "" },
];

describe("procedure thresholds, by date", () => {
  it("50 000 € HT needs publicity before 1 April 2026, not from that day", () => {
    expect(procedureFor(5_000_000, thresholds, "2026-03-31").procedure).toBe("adapted");
    expect(procedureFor(5_000_000, thresholds, "2026-04-01").procedure).toBe("no_publicity");
  });
  it("the thresholds are exclusive below, inclusive above", () => {
    expect(procedureFor(5_999_999, thresholds, "2026-06-01").procedure).toBe("no_publicity");
    expect(procedureFor(6_000_000, thresholds, "2026-06-01").procedure).toBe("adapted");
    expect(procedureFor(21_599_999, thresholds, "2026-06-01").procedure).toBe("adapted");
    expect(procedureFor(21_600_000, thresholds, "2026-06-01").procedure).toBe("formalised");
  });
  it("explains the outcome in French with the amounts", () => {
    expect(procedureFor(5_000_000, thresholds, "2026-06-01").explanation).toMatch(/50\s000,00\s€ HT reste sous le seuil de 60\s000,00\s€ HT/);
  });
});

describe("SIRET", () => {
  it("accepts valid numbers and refuses a wrong check digit or length", () => {
    expect(isValidSiret("732 829 320 00074")).toBe(true);
    expect(isValidSiret("73282932000075")).toBe(false);
    expect(isValidSiret("7328293200007")).toBe(false);
    expect(isValidSiret("abcdefghijklmn")).toBe(false);
  });
  it("La Poste's establishments follow their own rule (sum of digits divisible by 5)", () => {
    expect(isValidSiret("35600000000048")).toBe(true);
    expect(isValidSiret("35600000049837")).toBe(true);
    expect(isValidSiret("35600000049838")).toBe(false);
  });
});

describe("offers", () => {
  const tiers = { kind: "tiers" as const, tiers: [{ minParticipants: 1, priceCents: 1_800_000 }, { minParticipants: 3, priceCents: 1_500_000 }, { minParticipants: 5, priceCents: 1_300_000 }, { minParticipants: 10, priceCents: 1_100_000 }] };
  it("prices by the tier the number of participants reaches", () => {
    expect(priceFor(tiers, 1, null)).toBe(1_800_000);
    expect(priceFor(tiers, 4, null)).toBe(1_500_000);
    expect(priceFor(tiers, 12, null)).toBe(1_100_000);
  });
  it("fixed plus per inhabitant; unknown without a population", () => {
    const pricing = { kind: "fixed_per_inhabitant" as const, fixedCents: 500_000, perInhabitantCents: 20 };
    expect(priceFor(pricing, 5, 30_000)).toBe(1_100_000);
    expect(priceFor(pricing, 5, null)).toBeNull();
  });
  it("compares each CCAS's grouped price with buying alone, and totals the saving", () => {
    const comparison = compareOffer(tiers, [
      { organisationId: "a", name: "A", population: 1 },
      { organisationId: "b", name: "B", population: 1 },
      { organisationId: "c", name: "C", population: 1 },
    ]);
    expect(comparison.rows[0]).toMatchObject({ groupedCents: 1_500_000, aloneCents: 1_800_000, savingCents: 300_000 });
    expect(comparison.totalSavingCents).toBe(900_000);
  });
});

describe("ABS 2027 lateness", () => {
  it("expects a provider in January 2027, the study under way in April, the presentation by November", () => {
    expect(expectedStep("2026-11-23")).toBe("not_started");
    expect(isLate("not_started", "2027-01-15")).toBe(true);
    expect(isLate("provider_chosen", "2027-03-01")).toBe(false);
    expect(isLate("provider_chosen", "2027-05-01")).toBe(true);
    expect(isLate("in_progress", "2027-11-15")).toBe(true);
    expect(isLate("presented", "2027-12-31")).toBe(false);
  });
});
