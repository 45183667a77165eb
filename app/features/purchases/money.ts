/** Money is held as integer cents; these are the only conversions to and from what people type and read. */

const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const plainDecimal = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
const percent = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

export function formatEuros(cents: number): string {
  return euros.format(cents / 100);
}

/** "1234,56": what a French spreadsheet reads as a number. */
export function centsToDecimalComma(cents: number): string {
  return plainDecimal.format(cents / 100);
}

/** Basis points (1 % = 100) as "15 %" or "12,5 %". */
export function formatBasisPoints(basisPoints: number): string {
  return `${percent.format(basisPoints / 100)} %`;
}

/**
 * "12 000", "12 000,5", "12000.50 €" → cents, or null when it is not an amount.
 * Parsed as text so that no float ever holds the amount.
 */
export function parseEurosToCents(input: string): number | null {
  const cleaned = input.replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
  const match = cleaned.match(/^(-?)(\d+)(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(cents)) return null;
  return match[1] ? -cents : cents;
}

/** "15", "15,5" (percent) → basis points, or null. */
export function parsePercentToBasisPoints(input: string): number | null {
  const cleaned = input.replace(/[\s\u00a0\u202f%]/g, "").replace(",", ".");
  const match = cleaned.match(/^(-?)(\d+)(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  const basisPoints = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -basisPoints : basisPoints;
}
