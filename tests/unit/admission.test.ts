import { describe, expect, it } from "vitest";
import { AdmissionQueue } from "../../app/http/admission.server.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("page requests admitted in turn", () => {
  it("works on at most `concurrency` at once and lets the others in first come, first served", async () => {
    const queue = new AdmissionQueue(2, 10);
    const admitted: number[] = [];
    const releases: Array<() => void> = [];
    for (const request of [1, 2, 3, 4, 5]) {
      void queue.enter().then((release) => {
        admitted.push(request);
        releases[request] = release!;
      });
    }
    await tick();
    expect(admitted).toEqual([1, 2]);
    expect(queue.queued).toBe(3);
    releases[2]!();
    await tick();
    expect(admitted).toEqual([1, 2, 3]);
    releases[1]!();
    releases[3]!();
    await tick();
    expect(admitted).toEqual([1, 2, 3, 4, 5]);
    expect(queue.inFlight).toBe(2);
    releases[4]!();
    releases[5]!();
    expect(queue.inFlight).toBe(0);
  });

  it("counts a request released twice (answered, then its connection closed) once", async () => {
    const queue = new AdmissionQueue(1, 10);
    const first = (await queue.enter())!;
    const second = queue.enter();
    first();
    first();
    const admittedSecond = (await second)!;
    expect(queue.inFlight).toBe(1);
    const third = queue.enter();
    let thirdIn = false;
    void third.then(() => (thirdIn = true));
    await tick();
    expect(thirdIn).toBe(false);
    admittedSecond();
    await tick();
    expect(thirdIn).toBe(true);
  });

  it("turns a request away at once when the waiting line is full", async () => {
    const queue = new AdmissionQueue(1, 1);
    await queue.enter();
    void queue.enter();
    expect(await queue.enter()).toBeNull();
  });
});
