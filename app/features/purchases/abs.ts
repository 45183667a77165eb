/**
 * The 2027 ABS (analyse des besoins sociaux, R123-1 CASF): every CCAS presents
 * it to its board during the year after the 2026 municipal elections. A CCAS is
 * "late" when, as that deadline approaches, it has not reached the step it should have.
 */

export type AbsStatus = "not_started" | "provider_chosen" | "in_progress" | "presented";

export const absStatusLabels: Record<AbsStatus, string> = {
  not_started: "Pas commencée",
  provider_chosen: "Prestataire choisi",
  in_progress: "En cours",
  presented: "Présentée au conseil d'administration",
};

export const ABS_DEADLINE = "2027-12-31";

const rank: Record<AbsStatus, number> = { not_started: 0, provider_chosen: 1, in_progress: 2, presented: 3 };

/** The step a CCAS should have reached on `today`: a study takes months, so it must be under way well before the year ends. */
export function expectedStep(today: string): AbsStatus {
  if (today >= "2027-11-01") return "presented";
  if (today >= "2027-04-01") return "in_progress";
  if (today >= "2027-01-01") return "provider_chosen";
  return "not_started";
}

export function isLate(status: AbsStatus, today: string): boolean {
  return rank[status] < rank[expectedStep(today)];
}
