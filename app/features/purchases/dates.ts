import { DateTime } from "luxon";

/** Today's date where the network is ("YYYY-MM-DD"): deadlines are local days, not UTC instants. */
export function todayIn(timeZone: string, now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

/** "2027-01-31" → "31 janvier 2027". */
export function formatLocalDate(value: string | null): string {
  if (!value) return "";
  return DateTime.fromISO(value).setLocale("fr").toFormat("d LLLL yyyy");
}
