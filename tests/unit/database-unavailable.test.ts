import { isRouteErrorResponse } from "@remix-run/react";
import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, isConnectionFailure } from "../../db/unavailable.ts";

describe("telling an unreachable database from a refused query", () => {
  it.each([
    ["CONNECTION_CLOSED"],
    ["CONNECT_TIMEOUT"],
    ["ECONNREFUSED"],
    ["ECONNRESET"],
    ["57P01"],
    ["08006"],
  ])("%s means the database could not be reached", (code) => {
    expect(isConnectionFailure(Object.assign(new Error("x"), { code }))).toBe(true);
  });

  it.each([["23505"], ["22P02"], ["42P01"], [undefined]])("%s is a query the database refused, not an outage", (code) => {
    expect(isConnectionFailure(Object.assign(new Error("x"), { code }))).toBe(false);
  });

  it("is answered by Remix as a 503 with the French message, not as an anonymous 500", () => {
    const error = new DatabaseUnavailableError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    expect(isRouteErrorResponse(error)).toBe(true);
    expect(error.status).toBe(503);
    expect(error.data).toMatch(/Réessayez dans quelques instants/);
    expect(error instanceof Error).toBe(false);
    expect(String(error)).toBe("base de données injoignable (ECONNRESET : read ECONNRESET)");
  });
});
