import { describe, expect, it } from "vitest";
import { href, parseRoute } from "./route";

describe("routes", () => {
  it("round-trips deep links with encoded segments", () => {
    const link = href("billing", "G000024130", "a b/c");
    expect(parseRoute(link)).toEqual({ page: "billing", rest: ["G000024130", "a b/c"] });
  });

  it("falls back to Accounts for unknown or empty hashes", () => {
    expect(parseRoute("")).toEqual({ page: "accounts", rest: [] });
    expect(parseRoute("#/nowhere/x")).toEqual({ page: "accounts", rest: [] });
    expect(parseRoute("#/billing/%E0%A4")).toEqual({ page: "accounts", rest: [] });
  });
});
