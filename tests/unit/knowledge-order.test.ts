import { describe, expect, it } from "vitest";
import { swapWithNeighbour } from "../../app/features/knowledge/order.ts";

/** Moving a section or a page one place up or down among its siblings. */

describe("swapWithNeighbour", () => {
  const order = ["a", "b", "c"];

  it("swaps with the previous sibling going up, the next going down, without changing the list it was given", () => {
    expect(swapWithNeighbour(order, "c", "up")).toEqual(["a", "c", "b"]);
    expect(swapWithNeighbour(order, "a", "down")).toEqual(["b", "a", "c"]);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("answers null at the edges and for an id that is not in the list", () => {
    expect(swapWithNeighbour(order, "a", "up")).toBeNull();
    expect(swapWithNeighbour(order, "c", "down")).toBeNull();
    expect(swapWithNeighbour(order, "z", "up")).toBeNull();
    expect(swapWithNeighbour([], "a", "down")).toBeNull();
  });
});
