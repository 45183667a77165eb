import { formatEuros } from "./money.ts";

/**
 * Which procedure a combined value implies. The thresholds are data (table
 * `procurement_thresholds`, seeded by the migration, editable when the law
 * changes), each valid from one date until the day before the next: the rule
 * takes the ones in force on the project's date.
 */

export type ThresholdKind = "no_publicity" | "formalised";

export interface Threshold {
  kind: ThresholdKind;
  /** Excluding tax, in cents. A value strictly below it stays under it. */
  amountCents: number;
  validFrom: string;
  /** Exclusive; null while in force. */
  validUntil: string | null;
  source: string;
}

export type Procedure = "no_publicity" | "adapted" | "formalised";

export const procedureLabels: Record<Procedure, string> = {
  no_publicity: "Marché sans publicité ni mise en concurrence préalables",
  adapted: "Procédure adaptée (MAPA) avec publicité",
  formalised: "Procédure formalisée (appel d'offres)",
};

export function thresholdInForce(thresholds: Threshold[], kind: ThresholdKind, onDate: string): Threshold | null {
  return (
    thresholds
      .filter((t) => t.kind === kind && t.validFrom <= onDate && (t.validUntil === null || onDate < t.validUntil))
      .sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1))[0] ?? null
  );
}

export interface ProcedureAssessment {
  procedure: Procedure;
  explanation: string;
  noPublicity: Threshold | null;
  formalised: Threshold | null;
}

export function procedureFor(totalCents: number, thresholds: Threshold[], onDate: string): ProcedureAssessment {
  const noPublicity = thresholdInForce(thresholds, "no_publicity", onDate);
  const formalised = thresholdInForce(thresholds, "formalised", onDate);
  const value = formatEuros(totalCents);
  if (formalised && totalCents >= formalised.amountCents) {
    return { procedure: "formalised", noPublicity, formalised, explanation: `${value} HT atteint le seuil de procédure formalisée (${formatEuros(formalised.amountCents)} HT).` };
  }
  if (noPublicity && totalCents < noPublicity.amountCents) {
    return { procedure: "no_publicity", noPublicity, formalised, explanation: `${value} HT reste sous le seuil de ${formatEuros(noPublicity.amountCents)} HT en vigueur à cette date.` };
  }
  return {
    procedure: "adapted",
    noPublicity,
    formalised,
    explanation: `${value} HT atteint ${noPublicity ? `le seuil de ${formatEuros(noPublicity.amountCents)} HT` : "le seuil de dispense"} sans atteindre ${formalised ? formatEuros(formalised.amountCents) : "le seuil formalisé"} HT.`,
  };
}
