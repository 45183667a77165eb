import frenchPublicHolidays from "@socialgouv/jours-feries";
import { DateTime } from "luxon";

/**
 * Who hosts the next round table: a pure rule, no I/O (rotation.server.ts
 * loads what it needs). The member that hosted least recently hosts next;
 * one that never hosted comes first; ties follow the coordinator's order,
 * then the commune's name. A member may be unavailable for some periods
 * (skipped then, keeping its place in the queue) or never host at all.
 * A coordinator's override is simply a meeting in the history: the rule
 * needs to know nothing else about it.
 */

export interface DateRange {
  /** Local dates (Europe/Paris), inclusive: "2027-01-01". */
  from: string;
  to: string;
}

export interface RotationCandidate {
  organisationId: string;
  /** The commune's name: the last tie-breaker, so that the order is stable and explainable. */
  name: string;
  /** Set by the coordinator: lower hosts first among equals; unset comes after every set one. */
  tieOrder: number | null;
  neverHosts: boolean;
  unavailable: DateRange[];
}

/** A meeting held or planned, by whomever it was hosted (proposed or overridden alike). */
export interface Hosting {
  organisationId: string;
  startsAt: Date;
}

export interface QueueEntry {
  candidate: RotationCandidate;
  lastHostedAt: Date | null;
}

const collator = new Intl.Collator("fr", { sensitivity: "base" });

/** Members that can ever host, ordered by who should host next, availability aside. */
export function rotationQueue(candidates: readonly RotationCandidate[], history: readonly Hosting[]): QueueEntry[] {
  const lastHosted = new Map<string, number>();
  for (const hosting of history) {
    const at = hosting.startsAt.getTime();
    if ((lastHosted.get(hosting.organisationId) ?? -Infinity) < at) lastHosted.set(hosting.organisationId, at);
  }
  return candidates
    .filter((candidate) => !candidate.neverHosts)
    .map((candidate) => {
      const at = lastHosted.get(candidate.organisationId);
      return { candidate, lastHostedAt: at === undefined ? null : new Date(at) };
    })
    .sort(
      (a, b) =>
        (a.lastHostedAt?.getTime() ?? -Infinity) - (b.lastHostedAt?.getTime() ?? -Infinity) ||
        (a.candidate.tieOrder ?? Infinity) - (b.candidate.tieOrder ?? Infinity) ||
        collator.compare(a.candidate.name, b.candidate.name) ||
        (a.candidate.organisationId < b.candidate.organisationId ? -1 : a.candidate.organisationId > b.candidate.organisationId ? 1 : 0),
    );
}

/** The local date of an instant in `timeZone`, as "2027-03-18". */
export function localDate(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate()!;
}

export function isUnavailable(candidate: RotationCandidate, startsAt: Date, timeZone: string): DateRange | undefined {
  const day = localDate(startsAt, timeZone);
  return candidate.unavailable.find((range) => range.from <= day && day <= range.to);
}

export interface HostProposal {
  organisationId: string | null;
  /** Members whose turn it was but who declared they cannot host on that date. */
  skipped: Array<{ organisationId: string; period: DateRange }>;
}

/** Who should host a meeting on `startsAt`, given every meeting so far. */
export function proposeHost(
  candidates: readonly RotationCandidate[],
  history: readonly Hosting[],
  startsAt: Date,
  timeZone: string,
): HostProposal {
  const skipped: HostProposal["skipped"] = [];
  for (const { candidate } of rotationQueue(candidates, history)) {
    const period = isUnavailable(candidate, startsAt, timeZone);
    if (!period) return { organisationId: candidate.organisationId, skipped };
    skipped.push({ organisationId: candidate.organisationId, period });
  }
  return { organisationId: null, skipped };
}

/** Meetings start at 9:30 local time unless the network's last one says otherwise. */
const DEFAULT_START = { hour: 9, minute: 30 };

/** Saturday and Sunday move to the Monday after: CCAS meet on working days. */
/** Saturdays, Sundays and French public holidays (national list; Alsace-Moselle's two extra days are not counted). */
export function isWorkingDay(date: DateTime): boolean {
  if (date.weekday >= 6) return false;
  const day = date.toISODate();
  return !Object.values(frenchPublicHolidays(date.year)).some((holiday) => holiday.toISOString().slice(0, 10) === day);
}

function onWorkingDay(date: DateTime): DateTime {
  let day = date;
  while (!isWorkingDay(day)) day = day.plus({ days: 1 });
  return day;
}

/**
 * The date of the meeting after `previous` (the network's latest meeting,
 * held or planned): `cadenceMonths` later at the same local time, so that
 * summer time does not shift it by an hour. Never in the past: a network
 * that paused resumes one month after `now`.
 */
export function nextMeetingDate(input: { previous: Date | null; cadenceMonths: number; timeZone: string; now: Date }): Date {
  const now = DateTime.fromJSDate(input.now, { zone: input.timeZone });
  const base = input.previous
    ? DateTime.fromJSDate(input.previous, { zone: input.timeZone }).plus({ months: input.cadenceMonths })
    : now.plus({ months: 1 }).set({ ...DEFAULT_START, second: 0, millisecond: 0 });
  let next = onWorkingDay(base);
  if (next <= now) {
    const time = input.previous ? DateTime.fromJSDate(input.previous, { zone: input.timeZone }) : now.set(DEFAULT_START);
    next = onWorkingDay(now.plus({ months: 1 }).set({ hour: time.hour, minute: time.minute, second: 0, millisecond: 0 }));
  }
  return next.toJSDate();
}

export interface PlannedMeeting {
  startsAt: Date;
  proposal: HostProposal;
}

/**
 * The next cycle: as many meetings as there are members able to host, each
 * `cadenceMonths` after the previous one, with the host the rule proposes
 * given the meetings planned before it in the same cycle.
 */
export function planCycle(input: {
  candidates: readonly RotationCandidate[];
  history: readonly Hosting[];
  cadenceMonths: number;
  timeZone: string;
  now: Date;
}): PlannedMeeting[] {
  const size = input.candidates.filter((candidate) => !candidate.neverHosts).length;
  const history = [...input.history];
  let previous = history.reduce<Date | null>((latest, hosting) => (!latest || hosting.startsAt > latest ? hosting.startsAt : latest), null);
  const plan: PlannedMeeting[] = [];
  for (let index = 0; index < size; index++) {
    const startsAt = nextMeetingDate({ previous, cadenceMonths: input.cadenceMonths, timeZone: input.timeZone, now: input.now });
    const proposal = proposeHost(input.candidates, history, startsAt, input.timeZone);
    plan.push({ startsAt, proposal });
    if (proposal.organisationId) history.push({ organisationId: proposal.organisationId, startsAt });
    previous = startsAt;
  }
  return plan;
}
