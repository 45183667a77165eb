import { describe, expect, it } from "vitest";
import { findCommune, findEpci, searchCommunes } from "../../app/features/network/communes.server.ts";
import { foldForSearch } from "../../app/features/network/normalise.ts";

describe("foldForSearch", () => {
  it("drops accents and case", () => {
    expect(foldForSearch("Thorigné-Fouillard")).toBe("thorigne fouillard");
    expect(foldForSearch("ÉCOLE Élémentaire")).toBe("ecole elementaire");
    expect(foldForSearch("Forêt")).toBe(foldForSearch("foret"));
  });

  it("turns hyphens, apostrophes (straight or curly) and punctuation into single spaces", () => {
    expect(foldForSearch("L'Isle-Adam")).toBe("l isle adam");
    expect(foldForSearch("L’Isle-Adam")).toBe("l isle adam");
    expect(foldForSearch("  Saint--Prix ,  (Val-d'Oise) ")).toBe("saint prix val d oise");
  });

  it("spells out the St / Ste abbreviations, only as whole words", () => {
    expect(foldForSearch("St-Leu-la-Forêt")).toBe("saint leu la foret");
    expect(foldForSearch("Ste Geneviève")).toBe("sainte genevieve");
    expect(foldForSearch("Stains")).toBe("stains");
    expect(foldForSearch("Pierrelaye-Est")).toBe("pierrelaye est");
  });
});

describe("searchCommunes", () => {
  it('finds Thorigné-Fouillard for "thorigne" (no accent), first', () => {
    const results = searchCommunes("thorigne");
    expect(results[0]).toMatchObject({ name: "Thorigné-Fouillard", code: "35334", departmentCode: "35" });
    expect(results.every((commune) => foldForSearch(commune.name).includes("thorigne"))).toBe(true);
  });

  it('finds Ermont by its postcode "95120"', () => {
    const results = searchCommunes("95120");
    expect(results[0]).toMatchObject({ name: "Ermont", code: "95219" });
    expect(results[0]!.postalCodes).toContain("95120");
    expect(results[0]!.population).toBeGreaterThan(20_000);
  });

  it('finds Saint-Leu-la-Forêt for "st leu"', () => {
    const names = searchCommunes("st leu").map((commune) => commune.name);
    expect(names).toContain("Saint-Leu-la-Forêt");
    expect(searchCommunes("saint leu la foret")[0]).toMatchObject({ name: "Saint-Leu-la-Forêt", code: "95563" });
  });

  it("ranks larger communes first among equal matches and respects the limit", () => {
    const results = searchCommunes("saint", 5);
    expect(results).toHaveLength(5);
    const populations = results.map((commune) => commune.population ?? 0);
    expect([...populations].sort((a, b) => b - a)).toEqual(populations);
  });

  it("finds nothing for nonsense or a one-letter query", () => {
    expect(searchCommunes("zzqxwv")).toEqual([]);
    expect(searchCommunes("a")).toEqual([]);
    expect(searchCommunes("   ")).toEqual([]);
    expect(searchCommunes("00000")).toEqual([]);
  });

  it("returns plain communes (no internal search field)", () => {
    expect(Object.keys(searchCommunes("ermont")[0]!).sort()).toEqual(["code", "departmentCode", "name", "population", "postalCodes"]);
  });
});

describe("findCommune and findEpci", () => {
  it("finds a commune by INSEE code, Corsica included", () => {
    expect(findCommune("95219")).toMatchObject({ name: "Ermont", departmentCode: "95", postalCodes: ["95120"] });
    expect(findCommune("2A004")).toMatchObject({ name: "Ajaccio", departmentCode: "2A" });
    expect(findCommune("99999")).toBeUndefined();
  });

  it("finds the Val Parisis agglomeration with its 15 member communes", () => {
    const epci = findEpci("200058485");
    expect(epci?.name).toMatch(/Val Parisis/);
    expect(epci?.memberCodes).toHaveLength(15);
    expect(new Set(epci?.memberCodes).size).toBe(15);
    expect(epci?.memberCodes).toEqual(expect.arrayContaining(["95219", "95252", "95607", "95563"]));
    for (const code of epci!.memberCodes) expect(findCommune(code)?.departmentCode).toBe("95");
  });

  it("finds no EPCI for an unknown code", () => {
    expect(findEpci("123456789")).toBeUndefined();
    expect(findEpci("")).toBeUndefined();
  });
});
