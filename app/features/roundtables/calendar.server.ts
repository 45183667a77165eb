import ical, { type ICalCalendar } from "ical-generator";
import { DateTime } from "luxon";
import type { MeetingRecord } from "./meetings.server.ts";

/**
 * Meetings as iCalendar (RFC 5545) files, written by ical-generator. Times
 * are given in Europe/Paris with its VTIMEZONE, so calendars keep 9:30 as
 * 9:30 across the change to summer time; the UID is stable and SEQUENCE is
 * the meeting's version, so a re-downloaded file updates the event instead
 * of adding a second one.
 */

const TIME_ZONE = "Europe/Paris";

/** The EU rule in force since 1996: summer time from the last Sunday of March to the last Sunday of October. */
const PARIS_VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Paris",
  "X-LIC-LOCATION:Europe/Paris",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
].join("\r\n");

export function meetingUid(meetingId: string): string {
  return `table-ronde-${meetingId}@tablee`;
}

export interface CalendarEvent {
  networkName: string;
  meeting: MeetingRecord;
  agenda: string[];
  url: string;
}

export function meetingCalendar(input: CalendarEvent & { now?: Date }): string {
  return meetingsCalendar({ name: input.networkName, events: [input], now: input.now });
}

/** Several meetings in one calendar: a user's private subscription to all meetings of their networks. */
export function meetingsCalendar(input: { name: string; events: CalendarEvent[]; now?: Date }): string {
  const calendar = ical({
    name: input.name,
    prodId: { company: "Tablée", product: "Tables rondes", language: "FR" },
    timezone: { name: TIME_ZONE, generator: (zone) => (zone === TIME_ZONE ? PARIS_VTIMEZONE : null) },
  });
  for (const event of input.events) addMeetingEvent(calendar, event);
  // ical-generator writes DTSTAMP in the calendar's time zone without a TZID; RFC 5545 wants it in UTC.
  const stamp = DateTime.fromJSDate(input.now ?? new Date(), { zone: "utc" }).toFormat("yyyyMMdd'T'HHmmss'Z'");
  return calendar.toString().replace(/^DTSTAMP:.*$/gm, `DTSTAMP:${stamp}`);
}

function addMeetingEvent(calendar: ICalCalendar, { networkName, meeting, agenda, url }: CalendarEvent): void {
  const description = [
    meeting.hostTheme ? `Thème de la commune d'accueil : ${meeting.hostTheme}` : null,
    meeting.accessDetails ? `Accès : ${meeting.accessDetails}` : null,
    agenda.length ? `Ordre du jour :\n${agenda.map((title, index) => `${index + 1}. ${title}`).join("\n")}` : null,
    url,
  ]
    .filter(Boolean)
    .join("\n\n");
  calendar.createEvent({
    id: meetingUid(meeting.id),
    sequence: meeting.version,
    // Luxon dates carry their zone: ical-generator writes local Paris times for them (a bare Date would be written in UTC digits).
    start: DateTime.fromJSDate(meeting.startsAt, { zone: TIME_ZONE }),
    end: DateTime.fromJSDate(meeting.startsAt, { zone: TIME_ZONE }).plus({ minutes: meeting.durationMinutes }),
    timezone: TIME_ZONE,
    summary: `Table ronde inter-CCAS — ${meeting.hostName}`,
    categories: [{ name: networkName }],
    location: meeting.place,
    description,
    url,
  });
}
