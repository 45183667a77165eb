import { formatBasisPoints, formatEuros } from "./money.ts";

/**
 * Splitting a cost between CCAS, exactly in cents. Every key comes down to
 * integer weights; `allocate` gives each party floor(total × weight / Σweights)
 * and hands the cents left over, one each, to the largest remainders, ties
 * going to the smaller party id, so that the result depends neither on the
 * order of the parties nor on floating point, and always adds up to the total.
 * The per-inhabitant key is the exception: each party owes a fixed amount per
 * inhabitant, exact in cents, and the total is what they owe together.
 */

export type SplitMethod = "equal" | "population" | "caseload" | "percentage" | "residual" | "per_inhabitant";

export const splitMethodLabels: Record<SplitMethod, string> = {
  equal: "Parts égales",
  population: "Au prorata de la population",
  caseload: "Au prorata de l'activité (nombre de suivis)",
  percentage: "Pourcentages fixes",
  residual: "Part du reste à charge après cofinancement",
  per_inhabitant: "Montant fixe par habitant",
};

export interface SplitParty {
  id: string;
  name: string;
  /** Inhabitants (population key). */
  population?: number | null;
  populationYear?: number | null;
  /** Follow-ups or any activity count (caseload key). */
  caseload?: number | null;
  /** Percentage key: share of the total; residual key: share of the residual cost, or null for "the rest". In basis points (1 % = 100). */
  basisPoints?: number | null;
}

export interface SplitKey {
  method: SplitMethod;
  /** Residual key: who co-finances and how much of the total, in basis points. */
  cofinancerName?: string | null;
  cofinancingBasisPoints?: number | null;
  /** Per-inhabitant key: what each party owes per inhabitant, in cents (3,60 € = 360). */
  ratePerInhabitantCents?: number | null;
}

export interface Share {
  partyId: string;
  name: string;
  cents: number;
  /** How this share was computed, in plain French. */
  formula: string;
}

export interface SplitResult {
  totalCents: number;
  cofinancingCents: number;
  shares: Share[];
  /** The whole rule in plain French, for the page and the exports. */
  explanation: string[];
}

export type SplitError = { field: "parties" | "cofinancingBasisPoints" | "ratePerInhabitantCents" | "totalCents"; message: string };

/** Largest-remainder allocation of `totalCents` by integer `weights` (BigInt inside: no overflow, no rounding). */
export function allocate(totalCents: number, weights: Array<{ id: string; weight: number }>): Map<string, number> {
  if (!Number.isSafeInteger(totalCents) || totalCents < 0) throw new RangeError("Le total doit être un nombre entier positif de centimes.");
  if (weights.some((entry) => !Number.isSafeInteger(entry.weight) || entry.weight < 0)) throw new RangeError("Poids invalide.");
  const sum = weights.reduce((acc, entry) => acc + BigInt(entry.weight), 0n);
  if (sum === 0n) throw new RangeError("La somme des poids est nulle.");
  const total = BigInt(totalCents);
  const rows = weights.map((entry) => {
    const product = total * BigInt(entry.weight);
    return { id: entry.id, cents: product / sum, remainder: product % sum };
  });
  let left = total - rows.reduce((acc, row) => acc + row.cents, 0n);
  const byRemainder = [...rows].sort((a, b) =>
    a.remainder === b.remainder ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.remainder > b.remainder ? -1 : 1,
  );
  for (const row of byRemainder) {
    if (left === 0n) break;
    row.cents += 1n;
    left -= 1n;
  }
  return new Map(rows.map((row) => [row.id, Number(row.cents)]));
}

function isCount(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Checks the key against its parties; the first problem, in French, or null. */
export function validateSplit(key: SplitKey, parties: SplitParty[]): SplitError | null {
  if (parties.length === 0) return { field: "parties", message: "Choisissez au moins un CCAS partie à la répartition." };
  switch (key.method) {
    case "equal":
      return null;
    case "population": {
      const missing = parties.find((party) => !isCount(party.population));
      if (missing) return { field: "parties", message: `La population de ${missing.name} n'est pas renseignée : elle est nécessaire pour une répartition par habitant.` };
      if (parties.every((party) => party.population === 0)) return { field: "parties", message: "La population totale est nulle." };
      return null;
    }
    case "per_inhabitant": {
      const rate = key.ratePerInhabitantCents;
      if (rate == null) return { field: "ratePerInhabitantCents", message: "Indiquez le montant dû par habitant, par exemple 3,60." };
      if (!Number.isSafeInteger(rate) || rate <= 0) return { field: "ratePerInhabitantCents", message: "Le montant par habitant doit être un montant positif en euros, par exemple 3,60." };
      const missing = parties.find((party) => !isCount(party.population));
      if (missing) return { field: "parties", message: `La population de ${missing.name} n'est pas renseignée : elle est nécessaire pour un montant par habitant.` };
      const total = parties.reduce((acc, party) => acc + BigInt(rate) * BigInt(party.population!), 0n);
      if (total > BigInt(Number.MAX_SAFE_INTEGER)) return { field: "ratePerInhabitantCents", message: "Le montant par habitant est trop élevé." };
      return null;
    }
    case "caseload": {
      const missing = parties.find((party) => !isCount(party.caseload));
      if (missing) return { field: "parties", message: `Indiquez le nombre de suivis de ${missing.name} (un nombre entier positif ou nul).` };
      if (parties.every((party) => party.caseload === 0)) return { field: "parties", message: "Le nombre total de suivis est nul." };
      return null;
    }
    case "percentage": {
      const missing = parties.find((party) => !isCount(party.basisPoints));
      if (missing) return { field: "parties", message: `Indiquez le pourcentage de ${missing.name} (positif ou nul).` };
      const sum = parties.reduce((acc, party) => acc + party.basisPoints!, 0);
      if (sum !== 10000) return { field: "parties", message: `Les pourcentages doivent totaliser 100 % (ils totalisent ${formatBasisPoints(sum)}).` };
      return null;
    }
    case "residual": {
      const cofinancing = key.cofinancingBasisPoints ?? 0;
      if (!isCount(cofinancing) || cofinancing > 10000) {
        return { field: "cofinancingBasisPoints", message: "Le cofinancement doit être compris entre 0 et 100 %." };
      }
      const negative = parties.find((party) => party.basisPoints != null && !isCount(party.basisPoints));
      if (negative) return { field: "parties", message: `La part de ${negative.name} ne peut pas être négative.` };
      const over = parties.find((party) => (party.basisPoints ?? 0) > 10000);
      if (over) return { field: "parties", message: `La part du reste à charge de ${over.name} ne peut pas dépasser 100 %.` };
      const explicit = parties.filter((party) => party.basisPoints != null);
      const sum = explicit.reduce((acc, party) => acc + party.basisPoints!, 0);
      if (sum > 10000) return { field: "parties", message: `Les parts du reste à charge dépassent 100 % (${formatBasisPoints(sum)}).` };
      if (explicit.length === parties.length && sum !== 10000) {
        return { field: "parties", message: `Les parts du reste à charge doivent totaliser 100 % (ou laissez vide la part du CCAS qui paie le solde) ; elles totalisent ${formatBasisPoints(sum)}.` };
      }
      return null;
    }
  }
}

const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

/** Splits `totalCents` by `key`. Throws a RangeError on invalid input: call `validateSplit` first to tell the user. */
export function splitCost(totalCents: number, key: SplitKey, parties: SplitParty[]): SplitResult {
  const problem = validateSplit(key, parties);
  if (problem) throw new RangeError(problem.message);
  if (!Number.isSafeInteger(totalCents) || totalCents < 0) throw new RangeError("Le montant doit être un nombre positif.");
  if (key.method === "per_inhabitant") return perInhabitant(key.ratePerInhabitantCents!, parties);
  const explanation: string[] = [`Coût à répartir : ${formatEuros(totalCents)}.`];
  let cofinancingCents = 0;
  let base = totalCents;
  let weights: Array<{ id: string; weight: number }>;
  let formulaOf: (party: SplitParty) => string;
  switch (key.method) {
    case "equal":
      weights = parties.map((party) => ({ id: party.id, weight: 1 }));
      explanation.push(`Parts égales entre les ${parties.length} CCAS.`);
      formulaOf = () => `${formatEuros(base)} ÷ ${parties.length}`;
      break;
    case "population": {
      const sum = parties.reduce((acc, party) => acc + party.population!, 0);
      weights = parties.map((party) => ({ id: party.id, weight: party.population! }));
      explanation.push(`Au prorata de la population${populationYears(parties)} : ${integer.format(sum)} habitants au total.`);
      formulaOf = (party) => `${formatEuros(base)} × ${integer.format(party.population!)} / ${integer.format(sum)} habitants`;
      break;
    }
    case "caseload": {
      const sum = parties.reduce((acc, party) => acc + party.caseload!, 0);
      weights = parties.map((party) => ({ id: party.id, weight: party.caseload! }));
      explanation.push(`Au prorata du nombre de suivis : ${integer.format(sum)} au total.`);
      formulaOf = (party) => `${formatEuros(base)} × ${integer.format(party.caseload!)} / ${integer.format(sum)} suivis`;
      break;
    }
    case "percentage":
      weights = parties.map((party) => ({ id: party.id, weight: party.basisPoints! }));
      explanation.push("Pourcentages fixes du coût total.");
      formulaOf = (party) => `${formatEuros(base)} × ${formatBasisPoints(party.basisPoints!)}`;
      break;
    case "residual": {
      const cofinancing = key.cofinancingBasisPoints ?? 0;
      cofinancingCents = allocate(totalCents, [
        { id: "cofinancing", weight: cofinancing },
        { id: "residual", weight: 10000 - cofinancing },
      ]).get("cofinancing")!;
      if (cofinancing === 10000) cofinancingCents = totalCents;
      base = totalCents - cofinancingCents;
      const payer = key.cofinancerName?.trim() || "le cofinanceur";
      explanation.push(`${payer} finance ${formatBasisPoints(cofinancing)} du coût, soit ${formatEuros(cofinancingCents)}.`);
      explanation.push(`Reste à charge des CCAS : ${formatEuros(base)}.`);
      const explicit = parties.filter((party) => party.basisPoints != null);
      const rest = parties.filter((party) => party.basisPoints == null);
      const leftover = 10000 - explicit.reduce((acc, party) => acc + party.basisPoints!, 0);
      // Several CCAS paying "the rest" share it equally: weigh everything by their count to stay in integers.
      const n = Math.max(rest.length, 1);
      weights = parties.map((party) => ({ id: party.id, weight: party.basisPoints != null ? party.basisPoints * n : leftover }));
      if (rest.length) {
        explanation.push(
          `${rest.map((party) => party.name).join(", ")} ${rest.length > 1 ? "se partagent" : "paie"} le solde du reste à charge (${formatBasisPoints(leftover)}).`,
        );
      }
      formulaOf = (party) =>
        party.basisPoints != null
          ? `${formatEuros(base)} × ${formatBasisPoints(party.basisPoints)} du reste à charge`
          : `${formatEuros(base)} × ${formatBasisPoints(leftover)} (solde)${rest.length > 1 ? ` ÷ ${rest.length}` : ""}`;
      break;
    }
  }
  const amounts = base === 0 ? new Map(parties.map((party) => [party.id, 0])) : allocate(base, weights);
  explanation.push("Arrondi au centime : les centimes restants vont aux plus forts restes (à égalité, dans un ordre fixe), pour que la somme des parts soit exactement le total.");
  return {
    totalCents,
    cofinancingCents,
    shares: parties.map((party) => ({ partyId: party.id, name: party.name, cents: amounts.get(party.id)!, formula: formulaOf(party) })),
    explanation,
  };
}

function populationYears(parties: SplitParty[]): string {
  const years = [...new Set(parties.map((party) => party.populationYear).filter(Boolean))];
  return years.length ? ` municipale ${years.join(", ")}` : "";
}

/** Each party owes rate × its population, exactly: no rounding, and the total is their sum. */
function perInhabitant(rateCents: number, parties: SplitParty[]): SplitResult {
  const shares = parties.map((party) => ({
    partyId: party.id,
    name: party.name,
    cents: rateCents * party.population!,
    formula: `${formatEuros(rateCents)} × ${integer.format(party.population!)} habitants`,
  }));
  const inhabitants = parties.reduce((acc, party) => acc + party.population!, 0);
  const totalCents = shares.reduce((acc, share) => acc + share.cents, 0);
  return {
    totalCents,
    cofinancingCents: 0,
    shares,
    explanation: [
      `Chaque CCAS verse ${formatEuros(rateCents)} par habitant et par an (population${populationYears(parties)}).`,
      `${integer.format(inhabitants)} habitants au total : ${formatEuros(rateCents)} × ${integer.format(inhabitants)} = ${formatEuros(totalCents)}.`,
      "Montants exacts au centime : le coût annuel est la somme des contributions.",
    ],
  };
}
