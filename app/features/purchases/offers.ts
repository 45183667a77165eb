import { formatEuros } from "./money.ts";

/**
 * What one CCAS pays under an offer. Two shapes, as providers quote them:
 * a price per CCAS that falls as more CCAS join (tiers "from N participants"),
 * or a fixed part plus a part per inhabitant. Buying alone is the same offer
 * with one participant, unless the provider quoted a separate solo price.
 */

export type OfferPricing =
  | { kind: "tiers"; tiers: Array<{ minParticipants: number; priceCents: number }> }
  | { kind: "fixed_per_inhabitant"; fixedCents: number; perInhabitantCents: number };

export interface PricedParticipant {
  organisationId: string;
  name: string;
  population: number | null;
}

/** The tier that applies to `participants`: the highest threshold reached. Null when even the first is not reached. */
export function tierFor(tiers: Array<{ minParticipants: number; priceCents: number }>, participants: number) {
  return [...tiers].sort((a, b) => b.minParticipants - a.minParticipants).find((tier) => participants >= tier.minParticipants) ?? null;
}

export function priceFor(pricing: OfferPricing, participants: number, population: number | null): number | null {
  if (pricing.kind === "tiers") return tierFor(pricing.tiers, participants)?.priceCents ?? null;
  if (population === null) return null;
  return pricing.fixedCents + pricing.perInhabitantCents * population;
}

export function describePricing(pricing: OfferPricing): string {
  if (pricing.kind === "fixed_per_inhabitant") {
    return `${formatEuros(pricing.fixedCents)} HT par CCAS + ${formatEuros(pricing.perInhabitantCents)} HT par habitant`;
  }
  return [...pricing.tiers]
    .sort((a, b) => a.minParticipants - b.minParticipants)
    .map((tier) => `${formatEuros(tier.priceCents)} HT par CCAS à partir de ${tier.minParticipants} participant${tier.minParticipants > 1 ? "s" : ""}`)
    .join(" ; ");
}

export interface ComparisonRow {
  organisationId: string;
  name: string;
  groupedCents: number | null;
  aloneCents: number | null;
  savingCents: number | null;
}

/** For the current participants: each CCAS's price with the group, alone, and the saving. */
export function compareOffer(pricing: OfferPricing, participants: PricedParticipant[], soloPriceCents: number | null = null) {
  const count = participants.length;
  const rows: ComparisonRow[] = participants.map((participant) => {
    const groupedCents = priceFor(pricing, count, participant.population);
    const aloneCents = soloPriceCents ?? priceFor(pricing, 1, participant.population);
    return {
      organisationId: participant.organisationId,
      name: participant.name,
      groupedCents,
      aloneCents,
      savingCents: groupedCents !== null && aloneCents !== null ? aloneCents - groupedCents : null,
    };
  });
  const sum = (values: Array<number | null>) => (values.some((value) => value === null) ? null : values.reduce<number>((acc, v) => acc + v!, 0));
  return {
    rows,
    totalGroupedCents: sum(rows.map((row) => row.groupedCents)),
    totalAloneCents: sum(rows.map((row) => row.aloneCents)),
    totalSavingCents: sum(rows.map((row) => row.savingCents)),
  };
}
