import { afterEach, describe, expect, it } from "vitest";
import { parseRoute, routePath } from "./route";
import { flushQuery, parseSort, readQuery, sortText, writeQuery } from "./urlState";

afterEach(() => {
  window.location.hash = "";
});

describe("view state in the route", () => {
  it("keeps the query out of the page and its drill-down segments", () => {
    expect(parseRoute("#/billing/a1/G1?q=fab&sort=cost.descending")).toEqual({ page: "billing", rest: ["a1", "G1"] });
    expect(parseRoute("#/customers?q=a%2Fb")).toEqual({ page: "customers", rest: [] });
    expect(routePath("#/customers?q=x")).toBe("#/customers");
    expect(readQuery("#/customers?q=a%2Fb&top=40").get("q")).toBe("a/b");
  });

  it("writes changes into the current entry without adding a Back step, and drops a default", () => {
    window.location.hash = "#/customers";
    const steps = window.history.length;
    writeQuery({ q: "con toso", sort: "cost.descending" });
    // Not yet: writes are gathered for a moment.
    expect(window.location.hash).toBe("#/customers");
    flushQuery();
    expect(readQuery().get("q")).toBe("con toso");
    expect(readQuery().get("sort")).toBe("cost.descending");
    expect(window.history.length).toBe(steps);
    writeQuery({ q: null });
    flushQuery();
    expect(window.location.hash).toBe("#/customers?sort=cost.descending");
  });

  it("never writes one page's state into another page's entry", () => {
    window.location.hash = "#/customers";
    writeQuery({ q: "late" });
    window.location.hash = "#/subscriptions/a1/c1";
    flushQuery();
    expect(window.location.hash).toBe("#/subscriptions/a1/c1");
  });

  it("flushes before a click acts, so the entry being left holds the latest state", () => {
    window.location.hash = "#/customers";
    writeQuery({ top: "720" });
    document.body.click();
    expect(readQuery().get("top")).toBe("720");
    // Typing is not a write per key; Enter (which may open a row) is.
    writeQuery({ q: "ab" });
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "b", bubbles: true }));
    expect(readQuery().get("q")).toBeNull();
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(readQuery().get("q")).toBe("ab");
  });

  it("reads and writes sorts", () => {
    const fallback = { key: "name", direction: "ascending" } as const;
    expect(parseSort("cost.descending", fallback)).toEqual({ key: "cost", direction: "descending" });
    expect(parseSort("cost.sideways", fallback)).toEqual(fallback);
    expect(parseSort(null, fallback)).toEqual(fallback);
    expect(sortText({ key: "a.b", direction: "ascending" })).toBe("a.b.ascending");
    expect(parseSort("a.b.ascending", fallback)).toEqual({ key: "a.b", direction: "ascending" });
  });
});
