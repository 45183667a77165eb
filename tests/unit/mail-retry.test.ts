import { describe, expect, it } from "vitest";
import { afterFailure, isPermanentFailure, LONGEST_RETRY_MS, MAX_ATTEMPTS, retryDelayMs } from "../../app/features/mail/retry.ts";

const minutes = (ms: number) => ms / 60_000;

describe("retryDelayMs", () => {
  it("waits a minute after the first failure, then doubles the wait", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempts) => minutes(retryDelayMs(attempts)))).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
  });

  it("never waits more than 4 hours", () => {
    expect(retryDelayMs(9)).toBe(LONGEST_RETRY_MS);
    expect(retryDelayMs(40)).toBe(LONGEST_RETRY_MS);
  });

  it("refuses an attempt count that is not a positive integer", () => {
    for (const attempts of [0, -1, 1.5, Number.NaN]) expect(() => retryDelayMs(attempts)).toThrow(RangeError);
  });
});

describe("afterFailure", () => {
  const now = new Date("2027-03-01T10:00:00Z");

  it("makes the message due again after the wait", () => {
    expect(afterFailure(1, now)).toEqual({ retryAt: new Date("2027-03-01T10:01:00Z") });
    expect(afterFailure(3, now)).toEqual({ retryAt: new Date("2027-03-01T10:04:00Z") });
  });

  it("gives up after the last attempt, about 8 hours after the first", () => {
    expect(afterFailure(MAX_ATTEMPTS - 1, now)).toHaveProperty("retryAt");
    expect(afterFailure(MAX_ATTEMPTS, now)).toEqual({ giveUp: true });
    let total = 0;
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) total += retryDelayMs(attempts);
    expect(total / 3600_000).toBeGreaterThan(6);
    expect(total / 3600_000).toBeLessThan(10);
  });

  it("gives up at once on a final refusal", () => {
    expect(afterFailure(1, now, { permanent: true })).toEqual({ giveUp: true });
  });
});

describe("isPermanentFailure", () => {
  it("is final for an SMTP 5xx answer, worth retrying for a 4xx answer or a connection error", () => {
    expect(isPermanentFailure(Object.assign(new Error("550 5.1.1 Mailbox unavailable"), { responseCode: 550 }))).toBe(true);
    expect(isPermanentFailure(Object.assign(new Error("451 4.3.0 Try again later"), { responseCode: 451 }))).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(isPermanentFailure("not an error")).toBe(false);
    expect(isPermanentFailure(null)).toBe(false);
  });
});
