import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { meetingCalendar, meetingUid } from "../../app/features/roundtables/calendar.server.ts";
import type { MeetingRecord } from "../../app/features/roundtables/meetings.server.ts";

/** The .ics files, read back by a real iCalendar parser (ical.js), around the changes of time. */

function meeting(startsAt: string, extra: Partial<MeetingRecord> = {}): MeetingRecord {
  return {
    id: "6f1c1d3e-2a4b-4c5d-8e9f-0a1b2c3d4e5f",
    networkId: "n",
    hostOrganisationId: "o",
    hostName: "CCAS d'Ermont",
    hostCommune: "Ermont",
    startsAt: new Date(startsAt),
    durationMinutes: 180,
    place: "Hôtel de ville, 100 rue Louis-Savoie, 95120 Ermont",
    accessDetails: "Gare d'Ermont-Eaubonne",
    hostTheme: "Isolement des personnes âgées",
    status: "agenda_open",
    proposedHostOrganisationId: null,
    proposedHostName: null,
    overrideReason: null,
    version: 3,
    minutesDocumentId: null,
    ...extra,
  };
}

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const zone = calendar.getFirstSubcomponent("vtimezone")!;
  ICAL.TimezoneService.register(zone);
  return { calendar, event: new ICAL.Event(calendar.getFirstSubcomponent("vevent")!) };
}

const ics = (record: MeetingRecord) =>
  meetingCalendar({ networkName: "Val Parisis", meeting: record, agenda: ["Accueil par le maire d'Ermont", "ABS 2027"], url: "https://tablee.example/t", now: new Date("2026-11-22T10:00:00Z") });

describe("meeting calendar files", () => {
  it("keep 9:30 in Paris in winter and in summer, with the Europe/Paris time zone", () => {
    for (const [instant, offset] of [
      ["2026-03-12T08:30:00.000Z", 1],
      ["2026-06-12T07:30:00.000Z", 2],
    ] as const) {
      const { event, calendar } = parse(ics(meeting(instant)));
      expect(calendar.getFirstSubcomponent("vtimezone")!.getFirstPropertyValue("tzid")).toBe("Europe/Paris");
      expect(event.startDate.zone?.tzid).toBe("Europe/Paris");
      expect([event.startDate.hour, event.startDate.minute]).toEqual([9, 30]);
      expect(event.startDate.toJSDate().toISOString()).toBe(instant);
      expect(event.startDate.utcOffset()).toBe(offset * 3600);
      expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).toBe(180 * 60_000);
    }
  });

  it("measure a meeting across the night summer time starts by real elapsed time", () => {
    // Saturday 28 March 2026, 23:00 in Paris (UTC+1), for 4 hours: ends at 04:00 summer time (UTC+2).
    const { event } = parse(ics(meeting("2026-03-28T22:00:00.000Z", { durationMinutes: 240 })));
    expect(event.endDate.toJSDate().toISOString()).toBe("2026-03-29T02:00:00.000Z");
    expect([event.endDate.hour, event.endDate.minute]).toEqual([4, 0]);
  });

  it("have a stable UID and the meeting's version as SEQUENCE, so a new download replaces the event", () => {
    const first = parse(ics(meeting("2026-06-12T07:30:00.000Z", { version: 3 }))).event;
    const later = parse(ics(meeting("2026-06-19T07:30:00.000Z", { version: 4 }))).event;
    expect(first.uid).toBe(meetingUid("6f1c1d3e-2a4b-4c5d-8e9f-0a1b2c3d4e5f"));
    expect(later.uid).toBe(first.uid);
    expect([first.sequence, later.sequence]).toEqual([3, 4]);
  });

  it("carry the place, the theme, the agenda and a UTC time stamp", () => {
    const text = ics(meeting("2026-06-12T07:30:00.000Z"));
    const { event } = parse(text);
    expect(event.summary).toBe("Table ronde inter-CCAS — CCAS d'Ermont");
    expect(event.location).toBe("Hôtel de ville, 100 rue Louis-Savoie, 95120 Ermont");
    expect(event.description).toContain("Thème de la commune d'accueil : Isolement des personnes âgées");
    expect(event.description).toContain("2. ABS 2027");
    expect(text).toMatch(/\r\nDTSTAMP:20261122T100000Z\r\n/);
  });
});
