import { ofCommune } from "../network/normalise.ts";
import type { AgendaItemKind, AgendaItemStatus, MeetingStatus } from "../../../db/schema.ts";

/** Pure rules and French wording of meetings and agendas, shared by the server and the pages. */

export const meetingStatuses: readonly MeetingStatus[] = ["planned", "agenda_open", "agenda_closed", "held", "minutes_published"];

export const meetingStatusLabels: Record<MeetingStatus, string> = {
  planned: "Planifiée",
  agenda_open: "Ordre du jour ouvert",
  agenda_closed: "Ordre du jour arrêté",
  held: "Tenue",
  minutes_published: "Compte rendu publié",
};

/** What the button that moves a meeting to this status says. */
export const meetingStatusActions: Record<MeetingStatus, string> = {
  planned: "Revenir à « planifiée »",
  agenda_open: "Ouvrir l'ordre du jour",
  agenda_closed: "Arrêter l'ordre du jour",
  held: "Indiquer que la table ronde s'est tenue",
  minutes_published: "Publier le compte rendu",
};

/** A meeting moves one step forward; the agenda may be reopened once closed, nothing else goes back. */
export function allowedStatusChanges(current: MeetingStatus): MeetingStatus[] {
  const index = meetingStatuses.indexOf(current);
  const next = meetingStatuses[index + 1];
  const changes: MeetingStatus[] = next ? [next] : [];
  if (current === "agenda_closed") changes.push("agenda_open");
  return changes;
}

/** Members propose and support items until the agenda is closed. */
export function agendaOpenForProposals(status: MeetingStatus): boolean {
  return status === "planned" || status === "agenda_open";
}

/** The host and the coordinators still arrange the agenda once closed, until the meeting is held. */
export function agendaManageable(status: MeetingStatus): boolean {
  return status !== "held" && status !== "minutes_published";
}

export const itemKindLabels: Record<AgendaItemKind, string> = {
  information: "Information",
  exchange: "Échange de pratiques",
  decision: "Décision",
};

export const itemStatusLabels: Record<AgendaItemStatus, string> = {
  proposed: "Proposé",
  accepted: "Retenu",
  deferred: "Reporté à la prochaine table ronde",
  declined: "Non retenu",
};

export interface TimedItem {
  status: AgendaItemStatus;
  estimatedMinutes: number;
}

export interface AgendaTiming {
  /** Items retained for the meeting. */
  acceptedMinutes: number;
  /** Items still awaiting a decision: they would add this much if accepted. */
  pendingMinutes: number;
  meetingMinutes: number;
  /** How far the accepted items run over the meeting's length (0 when they fit). */
  overrunMinutes: number;
  /** Accepted and pending together would not fit. */
  pendingWouldOverrun: boolean;
}

export function agendaTiming(items: readonly TimedItem[], meetingMinutes: number): AgendaTiming {
  const sum = (status: AgendaItemStatus) =>
    items.filter((item) => item.status === status).reduce((total, item) => total + item.estimatedMinutes, 0);
  const acceptedMinutes = sum("accepted");
  const pendingMinutes = sum("proposed");
  return {
    acceptedMinutes,
    pendingMinutes,
    meetingMinutes,
    overrunMinutes: Math.max(0, acceptedMinutes - meetingMinutes),
    pendingWouldOverrun: acceptedMinutes + pendingMinutes > meetingMinutes,
  };
}

/** "45 min", "1 h", "2 h 05". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, "0")}`;
}

/** The welcome that opens every round table, by the host commune's mayor. */
export function welcomeItemTitle(communeName: string): string {
  return `Accueil par le maire ${ofCommune(communeName)}`;
}

/** Registrations close two days before the meeting, so that the host can order catering and arrange access. */
export const REGISTRATION_CLOSES_HOURS_BEFORE = 48;

export function registrationDeadline(startsAt: Date): Date {
  return new Date(startsAt.getTime() - REGISTRATION_CLOSES_HOURS_BEFORE * 3600_000);
}

export const attendeeFunctionLabels: Record<"elected" | "director" | "other", string> = {
  elected: "Élu·e",
  director: "Direction du CCAS",
  other: "Autre (agent, partenaire…)",
};

export const followUpStatusLabels: Record<"open" | "done" | "dropped", string> = {
  open: "En cours",
  done: "Réalisée",
  dropped: "Abandonnée",
};

/** The list with the element at `from` moved to `to` (clamped to the list's bounds). */
export function moveInList<T>(list: readonly T[], from: number, to: number): T[] {
  const result = [...list];
  const target = Math.max(0, Math.min(result.length - 1, to));
  const [moved] = result.splice(from, 1);
  if (moved === undefined) return [...list];
  result.splice(target, 0, moved);
  return result;
}
