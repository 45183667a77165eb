import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import {
  isWorkingDay,
  localDate,
  nextMeetingDate,
  planCycle,
  proposeHost,
  rotationQueue,
  type Hosting,
  type RotationCandidate,
} from "../../app/features/roundtables/rotation.ts";

const TZ = "Europe/Paris";

function member(name: string, extra: Partial<RotationCandidate> = {}): RotationCandidate {
  return { organisationId: name.toLowerCase(), name, tieOrder: null, neverHosts: false, unavailable: [], ...extra };
}

const hosted = (name: string, iso: string): Hosting => ({ organisationId: name.toLowerCase(), startsAt: new Date(iso) });

const ermont = member("Ermont");
const franconville = member("Franconville");
const taverny = member("Taverny");
const cormeilles = member("Cormeilles-en-Parisis");

describe("who hosts next", () => {
  it("a member that never hosted comes before every member that did", () => {
    const history = [hosted("Ermont", "2025-03-20T08:30:00Z"), hosted("Franconville", "2025-06-19T08:30:00Z")];
    expect(proposeHost([ermont, franconville, taverny], history, new Date("2025-09-18T07:30:00Z"), TZ).organisationId).toBe("taverny");
  });

  it("then the member that hosted least recently", () => {
    const history = [
      hosted("Taverny", "2025-09-18T07:30:00Z"),
      hosted("Ermont", "2025-03-20T08:30:00Z"),
      hosted("Franconville", "2025-06-19T08:30:00Z"),
    ];
    expect(proposeHost([ermont, franconville, taverny], history, new Date("2025-12-18T08:30:00Z"), TZ).organisationId).toBe("ermont");
  });

  it("only a member's latest hosting counts", () => {
    const history = [hosted("Ermont", "2020-01-01T09:00:00Z"), hosted("Ermont", "2025-06-01T09:00:00Z"), hosted("Taverny", "2024-01-01T09:00:00Z")];
    expect(proposeHost([ermont, taverny], history, new Date("2025-09-01T09:00:00Z"), TZ).organisationId).toBe("taverny");
  });

  it("breaks ties by the coordinator's order, unset orders last, then by commune name", () => {
    const ordered = [member("Ermont", { tieOrder: 2 }), member("Taverny", { tieOrder: 1 }), member("Beauchamp"), member("Andilly")];
    expect(rotationQueue(ordered, []).map((entry) => entry.candidate.name)).toEqual(["Taverny", "Ermont", "Andilly", "Beauchamp"]);
  });

  it("orders names the French way (accents do not send a commune to the end)", () => {
    const names = [member("Herblay-sur-Seine"), member("Éaubonne"), member("Frépillon")];
    expect(rotationQueue(names, []).map((entry) => entry.candidate.name)).toEqual(["Éaubonne", "Frépillon", "Herblay-sur-Seine"]);
  });

  it("the coordinator's order only breaks ties: it never beats who hosted least recently", () => {
    const first = member("Taverny", { tieOrder: 1 });
    const history = [hosted("Taverny", "2025-01-01T09:00:00Z")];
    expect(proposeHost([first, ermont], history, new Date("2025-04-01T09:00:00Z"), TZ).organisationId).toBe("ermont");
  });

  it("a member marked as never hosting is never proposed, even when it never hosted", () => {
    const never = member("Montigny-lès-Cormeilles", { neverHosts: true });
    expect(proposeHost([never, ermont], [hosted("Ermont", "2025-01-01T09:00:00Z")], new Date("2025-04-01T09:00:00Z"), TZ).organisationId).toBe("ermont");
    expect(proposeHost([never], [], new Date("2025-04-01T09:00:00Z"), TZ)).toEqual({ organisationId: null, skipped: [] });
  });

  it("a member unavailable on the date is skipped and keeps its turn for the next meeting", () => {
    const away = member("Taverny", { unavailable: [{ from: "2025-09-01", to: "2025-10-31" }] });
    const candidates = [ermont, franconville, away];
    const history = [hosted("Ermont", "2025-03-20T08:30:00Z"), hosted("Franconville", "2025-06-19T08:30:00Z")];
    const september = proposeHost(candidates, history, new Date("2025-09-18T07:30:00Z"), TZ);
    expect(september).toEqual({ organisationId: "ermont", skipped: [{ organisationId: "taverny", period: { from: "2025-09-01", to: "2025-10-31" } }] });
    const december = proposeHost(candidates, [...history, hosted("Ermont", "2025-09-18T07:30:00Z")], new Date("2025-12-18T08:30:00Z"), TZ);
    expect(december.organisationId).toBe("taverny");
  });

  it("reads unavailable periods as local dates in Paris, bounds included", () => {
    const away = member("Taverny", { unavailable: [{ from: "2025-12-01", to: "2025-12-31" }] });
    // 31 December at 23:30 UTC is already 1 January in Paris: available again.
    expect(proposeHost([away], [], new Date("2025-12-31T23:30:00Z"), TZ).organisationId).toBe("taverny");
    // 30 November at 23:30 UTC is 1 December in Paris: unavailable.
    expect(proposeHost([away], [], new Date("2025-11-30T23:30:00Z"), TZ).organisationId).toBeNull();
    expect(localDate(new Date("2025-11-30T23:30:00Z"), TZ)).toBe("2025-12-01");
  });

  it("proposes nobody when every member is unavailable, and says who was skipped", () => {
    const candidates = [member("Ermont", { unavailable: [{ from: "2025-01-01", to: "2025-12-31" }] })];
    const proposal = proposeHost(candidates, [], new Date("2025-06-01T09:00:00Z"), TZ);
    expect(proposal.organisationId).toBeNull();
    expect(proposal.skipped.map((skip) => skip.organisationId)).toEqual(["ermont"]);
  });

  it("a coordinator's override is just history: the member passed over hosts next", () => {
    const history = [hosted("Ermont", "2025-03-20T08:30:00Z"), hosted("Franconville", "2025-06-19T08:30:00Z")];
    // Taverny was due; the coordinator chose Ermont again (its new community centre opened).
    const overridden = [...history, hosted("Ermont", "2025-09-18T07:30:00Z")];
    expect(proposeHost([ermont, franconville, taverny], overridden, new Date("2025-12-18T08:30:00Z"), TZ).organisationId).toBe("taverny");
  });

  it("a member joining mid-cycle has never hosted, so it hosts at the next meeting", () => {
    const history = [hosted("Ermont", "2025-03-20T08:30:00Z")];
    expect(proposeHost([ermont, franconville, taverny, cormeilles], history, new Date("2025-06-19T07:30:00Z"), TZ).organisationId).toBe(
      "cormeilles-en-parisis",
    );
  });

  it("a member that left is forgotten: its past hostings do not block anyone", () => {
    const history = [hosted("Sannois", "2025-09-18T07:30:00Z"), hosted("Ermont", "2025-03-20T08:30:00Z"), hosted("Taverny", "2025-06-19T07:30:00Z")];
    expect(proposeHost([ermont, taverny], history, new Date("2025-12-18T08:30:00Z"), TZ).organisationId).toBe("ermont");
  });
});

describe("meeting dates", () => {
  it("follows the cadence at the same local time across a change to summer time", () => {
    // 9:30 in Paris on Thursday 12 March 2026 (winter, UTC+1)...
    const next = nextMeetingDate({ previous: new Date("2026-03-12T08:30:00Z"), cadenceMonths: 3, timeZone: TZ, now: new Date("2026-03-13T00:00:00Z") });
    // ...then 9:30 in Paris on 12 June 2026 (summer, UTC+2).
    expect(next.toISOString()).toBe("2026-06-12T07:30:00.000Z");
  });

  it("moves a date that falls on a weekend to the Monday", () => {
    // 13 June 2026 + 3 months = Sunday 13 September 2026.
    const next = nextMeetingDate({ previous: new Date("2026-06-13T07:30:00Z"), cadenceMonths: 3, timeZone: TZ, now: new Date("2026-06-14T00:00:00Z") });
    expect(localDate(next, TZ)).toBe("2026-09-14");
  });

  it("moves a date that falls on a public holiday to the next working day", () => {
    // 11 August 2027 + 3 months = Thursday 11 November 2027, Armistice.
    const armistice = nextMeetingDate({ previous: new Date("2027-08-11T07:30:00Z"), cadenceMonths: 3, timeZone: TZ, now: new Date("2027-08-12T00:00:00Z") });
    expect(localDate(armistice, TZ)).toBe("2027-11-12");
    expect(armistice.toISOString()).toBe("2027-11-12T08:30:00.000Z");
    // 25 December 2026 is a Friday: the next working day is Monday the 28th.
    const christmas = nextMeetingDate({ previous: new Date("2026-09-25T07:30:00Z"), cadenceMonths: 3, timeZone: TZ, now: new Date("2026-09-26T00:00:00Z") });
    expect(localDate(christmas, TZ)).toBe("2026-12-28");
    // Easter Monday 2027 (29 March) is a holiday too.
    const easter = nextMeetingDate({ previous: new Date("2026-12-29T08:30:00Z"), cadenceMonths: 3, timeZone: TZ, now: new Date("2026-12-30T00:00:00Z") });
    expect(localDate(easter, TZ)).toBe("2027-03-30");
  });

  it("knows working days: weekdays that are not French public holidays", () => {
    expect(isWorkingDay(DateTime.fromISO("2027-05-06", { zone: TZ }))).toBe(false); // Ascension
    expect(isWorkingDay(DateTime.fromISO("2027-05-17", { zone: TZ }))).toBe(false); // Lundi de Pentecôte
    expect(isWorkingDay(DateTime.fromISO("2027-07-14", { zone: TZ }))).toBe(false);
    expect(isWorkingDay(DateTime.fromISO("2027-07-15", { zone: TZ }))).toBe(true);
    expect(isWorkingDay(DateTime.fromISO("2027-07-17", { zone: TZ }))).toBe(false); // a Saturday
  });

  it("never plans in the past: a network that paused resumes a month from now", () => {
    const next = nextMeetingDate({ previous: new Date("2024-01-11T08:30:00Z"), cadenceMonths: 3, timeZone: TZ, now: new Date("2026-05-05T10:00:00Z") });
    expect(next > new Date("2026-05-05T10:00:00Z")).toBe(true);
    expect(localDate(next, TZ)).toBe("2026-06-05");
  });

  it("a network without any meeting starts a month from now at 9:30", () => {
    const next = nextMeetingDate({ previous: null, cadenceMonths: 3, timeZone: TZ, now: new Date("2026-01-14T10:00:00Z") });
    expect(next.toISOString()).toBe("2026-02-16T08:30:00.000Z"); // 14 Feb 2026 is a Saturday
  });
});

describe("the plan for the next cycle", () => {
  const now = new Date("2026-01-05T09:00:00Z");

  it("has one meeting per member able to host, each hosting once, at the network's cadence", () => {
    const never = member("Montigny-lès-Cormeilles", { neverHosts: true });
    const plan = planCycle({
      candidates: [ermont, franconville, taverny, never],
      history: [hosted("Franconville", "2025-12-11T08:30:00Z"), hosted("Ermont", "2025-09-11T07:30:00Z")],
      cadenceMonths: 3,
      timeZone: TZ,
      now,
    });
    expect(plan.map((meeting) => meeting.proposal.organisationId)).toEqual(["taverny", "ermont", "franconville"]);
    expect(plan.map((meeting) => localDate(meeting.startsAt, TZ))).toEqual(["2026-03-11", "2026-06-11", "2026-09-11"]);
  });

  it("moves an unavailable member to the next meeting of the cycle, without losing its turn", () => {
    const away = member("Taverny", { unavailable: [{ from: "2026-03-01", to: "2026-03-31" }] });
    const plan = planCycle({
      candidates: [ermont, franconville, away],
      history: [hosted("Franconville", "2025-12-11T08:30:00Z"), hosted("Ermont", "2025-09-11T07:30:00Z")],
      cadenceMonths: 3,
      timeZone: TZ,
      now,
    });
    expect(plan.map((meeting) => meeting.proposal.organisationId)).toEqual(["ermont", "taverny", "franconville"]);
    expect(plan[0]!.proposal.skipped.map((skip) => skip.organisationId)).toEqual(["taverny"]);
  });

  it("is empty when no member can host", () => {
    expect(planCycle({ candidates: [member("Ermont", { neverHosts: true })], history: [], cadenceMonths: 3, timeZone: TZ, now })).toEqual([]);
  });
});

/** A small deterministic generator, so that a failure can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("every member hosts once per cycle before any hosts twice (random histories)", () => {
  it("holds for 300 random networks and histories", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const size = 2 + Math.floor(next() * 14);
      const candidates = Array.from({ length: size }, (_, index) =>
        member(`Commune ${String.fromCharCode(65 + index)}`, {
          tieOrder: next() < 0.5 ? Math.floor(next() * 5) : null,
          neverHosts: next() < 0.1,
        }),
      );
      // Any past: members hosted in any order, some never, some by override, some that have left.
      const history: Hosting[] = [];
      let at = Date.parse("2015-01-15T08:30:00Z");
      const pastLength = Math.floor(next() * 30);
      for (let index = 0; index < pastLength; index++) {
        const host = next() < 0.1 ? "a-member-that-left" : candidates[Math.floor(next() * size)]!.organisationId;
        history.push({ organisationId: host, startsAt: new Date(at) });
        at += 90 * 86_400_000;
      }
      const plan = planCycle({ candidates, history, cadenceMonths: 3, timeZone: TZ, now: new Date(at) });
      const able = candidates.filter((candidate) => !candidate.neverHosts).map((candidate) => candidate.organisationId);
      const hosts = plan.map((meeting) => meeting.proposal.organisationId);
      expect([...hosts].sort(), `graine ${seed}`).toEqual([...able].sort());
      // And the cycle after it repeats the same order: the rotation is stable.
      const following = planCycle({
        candidates,
        history: [...history, ...plan.map((meeting) => ({ organisationId: meeting.proposal.organisationId!, startsAt: meeting.startsAt }))],
        cadenceMonths: 3,
        timeZone: TZ,
        now: new Date(at),
      });
      expect(following.map((meeting) => meeting.proposal.organisationId), `graine ${seed}`).toEqual(hosts);
    }
  });

  it("with random unavailability, nobody hosts twice while an available member waits for its first turn of the cycle", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed * 7919);
      const size = 2 + Math.floor(next() * 10);
      const candidates = Array.from({ length: size }, (_, index) => {
        const unavailable = [];
        if (next() < 0.4) {
          const month = 1 + Math.floor(next() * 12);
          unavailable.push({ from: `2027-${String(month).padStart(2, "0")}-01`, to: `2027-${String(month).padStart(2, "0")}-28` });
        }
        return member(`Commune ${String.fromCharCode(65 + index)}`, { unavailable });
      });
      const history: Hosting[] = [];
      let at = new Date("2026-12-10T08:30:00Z");
      for (let meeting = 0; meeting < size * 3; meeting++) {
        at = nextMeetingDate({ previous: at, cadenceMonths: 1, timeZone: TZ, now: at });
        const proposal = proposeHost(candidates, history, at, TZ);
        if (!proposal.organisationId) continue;
        // The chosen host's previous turn, if any: every member available today must have hosted since then.
        const previousTurn = history.filter((hosting) => hosting.organisationId === proposal.organisationId).at(-1);
        const day = localDate(at, TZ);
        for (const candidate of candidates) {
          if (candidate.organisationId === proposal.organisationId || !previousTurn) continue;
          const available = !candidate.unavailable.some((range) => range.from <= day && day <= range.to);
          const hostedSince = history.some(
            (hosting) => hosting.organisationId === candidate.organisationId && hosting.startsAt > previousTurn.startsAt,
          );
          if (available) expect(hostedSince, `graine ${seed} : ${candidate.name} attend son tour`).toBe(true);
        }
        history.push({ organisationId: proposal.organisationId, startsAt: at });
      }
    }
  });
});
