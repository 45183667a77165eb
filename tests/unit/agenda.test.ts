import { describe, expect, it } from "vitest";
import { agendaTiming, allowedStatusChanges, formatMinutes, moveInList, welcomeItemTitle } from "../../app/features/roundtables/agenda.ts";
import { agendaItemSchema } from "../../app/features/roundtables/schemas.ts";

describe("agenda duration arithmetic", () => {
  it("counts accepted items against the meeting's length, and proposals apart", () => {
    const timing = agendaTiming(
      [
        { status: "accepted", estimatedMinutes: 15 },
        { status: "accepted", estimatedMinutes: 60 },
        { status: "proposed", estimatedMinutes: 45 },
        { status: "declined", estimatedMinutes: 500 },
        { status: "deferred", estimatedMinutes: 30 },
      ],
      120,
    );
    expect(timing).toEqual({ acceptedMinutes: 75, pendingMinutes: 45, meetingMinutes: 120, overrunMinutes: 0, pendingWouldOverrun: false });
  });

  it("reports by how much the accepted items run over", () => {
    const timing = agendaTiming([{ status: "accepted", estimatedMinutes: 100 }, { status: "accepted", estimatedMinutes: 50 }], 120);
    expect(timing.overrunMinutes).toBe(30);
    expect(timing.pendingWouldOverrun).toBe(true);
  });

  it("fits exactly: no overrun at the meeting's length", () => {
    expect(agendaTiming([{ status: "accepted", estimatedMinutes: 180 }], 180)).toMatchObject({ overrunMinutes: 0, pendingWouldOverrun: false });
  });

  it("warns when the proposals would not fit if all were accepted", () => {
    expect(agendaTiming([{ status: "accepted", estimatedMinutes: 100 }, { status: "proposed", estimatedMinutes: 30 }], 120).pendingWouldOverrun).toBe(true);
  });

  it("writes durations the French way", () => {
    expect([5, 45, 60, 65, 125, 180].map(formatMinutes)).toEqual(["5 min", "45 min", "1 h", "1 h 05", "2 h 05", "3 h"]);
  });

  it("refuses negative, zero, absurd or non-numeric durations", () => {
    const base = { title: "Point", kind: "information" };
    for (const estimatedMinutes of ["-5", "0", "481", "1.5", "abc", ""]) {
      expect(agendaItemSchema.safeParse({ ...base, estimatedMinutes }).success, estimatedMinutes).toBe(false);
    }
    expect(agendaItemSchema.safeParse({ ...base, estimatedMinutes: "480" }).success).toBe(true);
  });
});

describe("meeting statuses", () => {
  it("moves one step forward; only a closed agenda may reopen", () => {
    expect(allowedStatusChanges("planned")).toEqual(["agenda_open"]);
    expect(allowedStatusChanges("agenda_open")).toEqual(["agenda_closed"]);
    expect(allowedStatusChanges("agenda_closed")).toEqual(["held", "agenda_open"]);
    expect(allowedStatusChanges("held")).toEqual(["minutes_published"]);
    expect(allowedStatusChanges("minutes_published")).toEqual([]);
  });

  it("opens with the host mayor's welcome", () => {
    expect(welcomeItemTitle("Ermont")).toBe("Accueil par le maire d'Ermont");
    expect(welcomeItemTitle("Taverny")).toBe("Accueil par le maire de Taverny");
    expect(welcomeItemTitle("Le Plessis-Bouchard")).toBe("Accueil par le maire du Plessis-Bouchard");
  });
});

describe("moving an item in the agenda", () => {
  const list = ["accueil", "abs", "domiciliation", "epicerie"];
  it("puts the item at the target rank and shifts the others", () => {
    expect(moveInList(list, 3, 1)).toEqual(["accueil", "epicerie", "abs", "domiciliation"]);
    expect(moveInList(list, 0, 2)).toEqual(["abs", "domiciliation", "accueil", "epicerie"]);
    expect(moveInList(list, 2, 2)).toEqual(list);
  });
  it("clamps ranks past either end and never loses or duplicates an item", () => {
    expect(moveInList(list, 1, 99)).toEqual(["accueil", "domiciliation", "epicerie", "abs"]);
    expect(moveInList(list, 2, -5)).toEqual(["domiciliation", "accueil", "abs", "epicerie"]);
    for (let from = 0; from < list.length; from++) {
      for (let to = -1; to <= list.length; to++) expect([...moveInList(list, from, to)].sort()).toEqual([...list].sort());
    }
  });
  it("leaves the list as it is for an unknown index", () => {
    expect(moveInList(list, 7, 0)).toEqual(list);
  });
});
