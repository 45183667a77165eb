import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, splitCost, validateSplit, type SplitKey, type SplitParty } from "../../app/features/purchases/cost-split.ts";
import { parseEurosToCents, parsePercentToBasisPoints } from "../../app/features/purchases/money.ts";

const party = (id: string, extra: Partial<SplitParty> = {}): SplitParty => ({ id, name: `CCAS ${id}`, ...extra });
const sum = (values: number[]) => values.reduce((acc, value) => acc + value, 0);

describe("allocate (largest remainder)", () => {
  it("splits 100,00 € in three as 33,34 / 33,33 / 33,33, the extra cent to the smallest id on a tie", () => {
    const shares = allocate(10000, [{ id: "c", weight: 1 }, { id: "a", weight: 1 }, { id: "b", weight: 1 }]);
    expect(Object.fromEntries(shares)).toEqual({ a: 3334, b: 3333, c: 3333 });
  });

  const weightsArb = fc.uniqueArray(fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), weight: fc.integer({ min: 0, max: 1_000_000 }) }), {
    minLength: 1,
    maxLength: 40,
    selector: (entry) => entry.id,
  }).filter((entries) => entries.some((entry) => entry.weight > 0));
  const totalArb = fc.integer({ min: 0, max: 1_000_000_000_00 });

  it("always adds up to the total, exactly", () => {
    fc.assert(fc.property(totalArb, weightsArb, (total, weights) => sum([...allocate(total, weights).values()]) === total));
  });

  it("never gives a negative share, nor anything to a zero weight", () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const shares = allocate(total, weights);
        return weights.every((entry) => shares.get(entry.id)! >= 0 && (entry.weight > 0 || shares.get(entry.id) === 0));
      }),
    );
  });

  it("does not depend on the order of the parties", () => {
    fc.assert(
      fc.property(totalArb, weightsArb, fc.func(fc.integer()), (total, weights, order) => {
        const shuffled = [...weights].sort((a, b) => order(a.id) - order(b.id) || (a.id < b.id ? -1 : 1));
        expect(Object.fromEntries(allocate(total, shuffled))).toEqual(Object.fromEntries(allocate(total, weights)));
      }),
    );
  });

  it("stays within one cent of the exact proportional share", () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const totalWeight = sum(weights.map((entry) => entry.weight));
        const shares = allocate(total, weights);
        return weights.every((entry) => Math.abs(shares.get(entry.id)! - (total * entry.weight) / totalWeight) < 1 + 1e-6 * total);
      }),
    );
  });

  it("refuses a negative total or weight", () => {
    expect(() => allocate(-1, [{ id: "a", weight: 1 }])).toThrow(RangeError);
    expect(() => allocate(100, [{ id: "a", weight: -1 }])).toThrow(RangeError);
  });
});

describe("split keys", () => {
  it("RSA referent: the département pays 60 %, Thil and Hussigny 15 % each of the rest, Villerupt the balance", () => {
    const result = splitCost(
      5_000_000,
      { method: "residual", cofinancerName: "Département de Meurthe-et-Moselle", cofinancingBasisPoints: 6000 },
      [party("villerupt", { name: "CCAS de Villerupt", basisPoints: null }), party("thil", { name: "CCAS de Thil", basisPoints: 1500 }), party("hussigny", { name: "CCAS d'Hussigny-Godbrange", basisPoints: 1500 })],
    );
    expect(result.cofinancingCents).toBe(3_000_000);
    expect(result.shares.map((share) => share.cents)).toEqual([1_400_000, 300_000, 300_000]);
    expect(result.explanation.join(" ")).toContain("Département de Meurthe-et-Moselle finance 60 % du coût");
    expect(result.shares[1]!.formula).toMatch(/× 15 % du reste à charge/);
  });

  it("caseload 140 / 30 / 30 of 12 345,67 €: shares to the cent that add up", () => {
    const result = splitCost(1_234_567, { method: "caseload" }, [party("v", { caseload: 140 }), party("t", { caseload: 30 }), party("h", { caseload: 30 })]);
    expect(sum(result.shares.map((share) => share.cents))).toBe(1_234_567);
    expect(result.shares.map((share) => share.cents)).toEqual([864_197, 185_185, 185_185]);
  });

  it("per inhabitant: shows the population vintage", () => {
    const result = splitCost(100_000, { method: "population" }, [party("a", { population: 3000, populationYear: 2022 }), party("b", { population: 1000, populationYear: 2022 })]);
    expect(result.shares.map((share) => share.cents)).toEqual([75_000, 25_000]);
    expect(result.explanation.join(" ")).toContain("population municipale 2022");
  });

  it("tells in French what is wrong with a key", () => {
    expect(validateSplit({ method: "percentage" }, [party("a", { basisPoints: 6000 }), party("b", { basisPoints: 3000 })])?.message).toBe(
      "Les pourcentages doivent totaliser 100 % (ils totalisent 90 %).",
    );
    expect(validateSplit({ method: "population" }, [party("a", { population: null })])?.message).toContain("population de CCAS a n'est pas renseignée");
    expect(validateSplit({ method: "residual", cofinancingBasisPoints: 6000 }, [party("a", { basisPoints: 12000 }), party("b")])?.message).toContain("ne peut pas dépasser 100 %");
    expect(validateSplit({ method: "residual", cofinancingBasisPoints: 10100 }, [party("a")])?.field).toBe("cofinancingBasisPoints");
    expect(validateSplit({ method: "equal" }, [])?.field).toBe("parties");
  });

  const keyArb: fc.Arbitrary<{ key: SplitKey; parties: SplitParty[] }> = fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 })
    .chain((ids) =>
      fc.oneof(
        fc.constant({ key: { method: "equal" } as SplitKey, parties: ids.map((id) => party(id)) }),
        fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: ids.length, maxLength: ids.length }).map((populations) => ({
          key: { method: "population" } as SplitKey,
          parties: ids.map((id, index) => party(id, { population: populations[index]!, populationYear: 2022 })),
        })),
        fc.array(fc.integer({ min: 0, max: 10000 }), { minLength: ids.length, maxLength: ids.length }).chain((shares) =>
          fc.integer({ min: 0, max: 10000 }).map((cofinancing) => {
            // Scale explicit shares under 100 % and leave the first party paying the balance.
            const total = sum(shares) || 1;
            return {
              key: { method: "residual", cofinancerName: "Département", cofinancingBasisPoints: cofinancing } as SplitKey,
              parties: ids.map((id, index) => party(id, { basisPoints: index === 0 ? null : Math.floor((shares[index]! * 10000) / total / 2) })),
            };
          }),
        ),
      ),
    );

  it("every key: the co-financing plus the shares equal the total, no share is negative, order does not matter", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000_00 }), keyArb, (total, { key, parties }) => {
        const result = splitCost(total, key, parties);
        expect(result.cofinancingCents + sum(result.shares.map((share) => share.cents))).toBe(total);
        expect(result.shares.every((share) => share.cents >= 0)).toBe(true);
        const reversed = splitCost(total, key, [...parties].reverse());
        const byId = (shares: typeof result.shares) => Object.fromEntries(shares.map((share) => [share.partyId, share.cents]));
        expect(byId(reversed.shares)).toEqual(byId(result.shares));
      }),
    );
  });
});

describe("per-inhabitant rate key (Roujan's partners pay 3,60 € per inhabitant a year)", () => {
  const key = (rate: number | null): SplitKey => ({ method: "per_inhabitant", ratePerInhabitantCents: rate });

  it("3,60 € × 1 234 inhabitants = 4 442,40 €, exactly, with the formula in plain French", () => {
    const result = splitCost(0, key(360), [
      party("roujan", { name: "CCAS de Roujan", population: 1234, populationYear: 2022 }),
      party("neffies", { name: "CCAS de Neffiès", population: 1051, populationYear: 2022 }),
    ]);
    expect(result.shares.map((share) => share.cents)).toEqual([444_240, 378_360]);
    expect(result.totalCents).toBe(822_600);
    expect(result.cofinancingCents).toBe(0);
    expect(result.shares[0]!.formula).toMatch(/^3,60\s€ × 1\s234 habitants$/);
    const explanation = result.explanation.join(" ");
    expect(explanation).toMatch(/Chaque CCAS verse 3,60\s€ par habitant et par an \(population municipale 2022\)/);
    expect(explanation).toMatch(/2\s285 habitants au total : 3,60\s€ × 2\s285 = 8\s226,00\s€/);
  });

  it("tells in French a missing rate, a zero rate, a missing population", () => {
    expect(validateSplit(key(null), [party("a", { population: 10 })])).toEqual({ field: "ratePerInhabitantCents", message: "Indiquez le montant dû par habitant, par exemple 3,60." });
    expect(validateSplit(key(0), [party("a", { population: 10 })])?.field).toBe("ratePerInhabitantCents");
    expect(validateSplit(key(-360), [party("a", { population: 10 })])?.field).toBe("ratePerInhabitantCents");
    expect(validateSplit(key(360), [party("a", { population: null })])?.message).toBe(
      "La population de CCAS a n'est pas renseignée : elle est nécessaire pour un montant par habitant.",
    );
    expect(validateSplit(key(Number.MAX_SAFE_INTEGER), [party("a", { population: 1000 })])?.message).toBe("Le montant par habitant est trop élevé.");
    expect(() => splitCost(0, key(null), [party("a", { population: 10 })])).toThrow(RangeError);
  });

  const partiesArb = fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 15 })
    .chain((ids) =>
      fc.array(fc.integer({ min: 0, max: 2_200_000 }), { minLength: ids.length, maxLength: ids.length }).map((populations) =>
        ids.map((id, index) => party(id, { population: populations[index]!, populationYear: 2021 })),
      ),
    );

  it("each share is rate × population exactly, the shares add up to the total, none negative, order does not matter", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), partiesArb, (rate, parties) => {
        const result = splitCost(0, key(rate), parties);
        expect(result.shares.map((share) => share.cents)).toEqual(parties.map((entry) => rate * entry.population!));
        expect(sum(result.shares.map((share) => share.cents))).toBe(result.totalCents);
        expect(result.shares.every((share) => share.cents >= 0 && Number.isSafeInteger(share.cents))).toBe(true);
        const reversed = splitCost(0, key(rate), [...parties].reverse());
        const byId = (shares: typeof result.shares) => Object.fromEntries(shares.map((share) => [share.partyId, share.cents]));
        expect(byId(reversed.shares)).toEqual(byId(result.shares));
        expect(reversed.totalCents).toBe(result.totalCents);
      }),
    );
  });
});

describe("reading amounts", () => {
  it("reads French amounts into cents without floating point", () => {
    expect(parseEurosToCents("12 000,50")).toBe(1_200_050);
    expect(parseEurosToCents("0,1")).toBe(10);
    expect(parseEurosToCents("19.99 €")).toBe(1999);
    expect(parseEurosToCents("-5")).toBe(-500);
    expect(parseEurosToCents("douze")).toBeNull();
    expect(parseEurosToCents("1,234")).toBeNull();
    expect(parsePercentToBasisPoints("15")).toBe(1500);
    expect(parsePercentToBasisPoints("12,5 %")).toBe(1250);
  });
});
