/** French formatting, in the time zone of the networks Tablée serves. */
export const TIME_ZONE = "Europe/Paris";

const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: TIME_ZONE });
const date = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: TIME_ZONE });

export function formatInteger(value: number): string {
  return integer.format(value);
}

export function formatDateTime(value: Date | string): string {
  return dateTime.format(new Date(value));
}

export function formatDate(value: Date | string): string {
  return date.format(new Date(value));
}

export function formatPopulation(population: number | null, year: number | null): string {
  if (population === null) return "population non renseignée";
  return `${formatInteger(population)} habitants${year ? ` (population municipale ${year})` : ""}`;
}
