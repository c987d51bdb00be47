import { describe, expect, it } from "vitest";
import { href, markupHref, parseMarkupRoute, parseRoute } from "./route";

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

  it("links the markup editor of a customer and of an organization, and reads the links back", () => {
    const customer = { kind: "customer" as const, customer: { accountId: "a1", customerId: "c/1" } };
    const org = { kind: "organization" as const, organization: "org-1" };
    expect(markupHref(customer)).toBe("#/customers/a1/c%2F1/markup");
    expect(markupHref(org)).toBe("#/customers/organizations/org-1/markup");
    expect(parseMarkupRoute(parseRoute(markupHref(customer)).rest)).toEqual(customer);
    expect(parseMarkupRoute(parseRoute(markupHref(org)).rest)).toEqual(org);
    expect(parseMarkupRoute([])).toBeNull();
    expect(parseMarkupRoute(["a1", "c1"])).toBeNull();
    expect(parseMarkupRoute(["a1", "c1", "other"])).toBeNull();
  });
});
