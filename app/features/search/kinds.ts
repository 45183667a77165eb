import type { SearchKind } from "../../../db/schema.ts";
import { formatInteger } from "../../i18n/format.ts";

export const SEARCH_KINDS = ["wiki", "practice", "agenda", "agenda_item", "minutes", "note"] as const satisfies readonly SearchKind[];

export const searchKindLabels: Record<SearchKind, string> = {
  wiki: "Veille réglementaire",
  practice: "Fiche pratique",
  agenda: "Ordre du jour",
  agenda_item: "Point d'ordre du jour",
  minutes: "Compte rendu",
  note: "Note partagée",
};

export interface SearchTarget {
  kind: SearchKind;
  documentId: string | null;
  meetingId: string | null;
  agendaItemId: string | null;
}

/** Where a result opens. Watch pages and practice notes live under the "veille" and "fiches" sections. */
export function searchResultPath(networkSlug: string, target: SearchTarget): string {
  const base = `/reseaux/${networkSlug}`;
  switch (target.kind) {
    case "wiki":
      return `${base}/veille/${target.documentId}`;
    case "practice":
      return `${base}/fiches/${target.documentId}`;
    case "note":
      return `${base}/notes/${target.documentId}`;
    case "minutes":
      return target.meetingId ? `${base}/tables-rondes/${target.meetingId}/compte-rendu` : `${base}/tables-rondes`;
    case "agenda":
      return `${base}/tables-rondes/${target.meetingId}`;
    case "agenda_item":
      return `${base}/tables-rondes/${target.meetingId}#point-${target.agendaItemId}`;
  }
}

/** Counts of results stop here (search.server.ts): beyond, "plus de 1 000 résultats". */
export const SEARCH_COUNT_CAP = 1000;

/** The results heading: "Plus de 1 000 résultats" when the count stopped at its cap (search.server.ts, COUNT_CAP). */
export function resultsHeading(total: number, totalCapped: boolean, query: string): string {
  if (total === 0) return `Aucun résultat pour « ${query} »`;
  if (totalCapped) return `Plus de ${formatInteger(total)} résultats pour « ${query} »`;
  return `${formatInteger(total)} résultat${total > 1 ? "s" : ""} pour « ${query} »`;
}

/** A facet's count: a lower bound when the facets counted the first matches only. */
export function facetCountLabel(count: number, approximate: boolean): string {
  return approximate ? `au moins ${formatInteger(count)}` : formatInteger(count);
}
