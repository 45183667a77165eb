import type { SearchKind } from "../../../db/schema.ts";

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
