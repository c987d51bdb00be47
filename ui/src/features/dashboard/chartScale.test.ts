import { describe, expect, it } from "vitest";
import { anyNonZero, monthSlots, ticks } from "./chartScale";

const month = (period: string, open = false) => ({ period, cost: "1.00", resale: "1.10", open, notInvoiced: false });

describe("chart scale", () => {
  it("gives round ticks covering zero and the largest value", () => {
    expect(ticks(0, 1120)).toEqual([0, 500, 1000, 1500]);
    expect(ticks(-40, 90)).toEqual([-50, 0, 50, 100]);
    expect(ticks(0, 0)).toEqual([0]);
  });

  it("keeps a month without figures as a gap between two that have some", () => {
    const slots = monthSlots([month("2026-09"), month("2026-10"), month("2026-12", true)]);
    expect(slots.map((s) => [s.period, s.figures !== null])).toEqual([
      ["2026-09", true],
      ["2026-10", true],
      ["2026-11", false],
      ["2026-12", true],
    ]);
    expect(monthSlots([month("2026-12"), month("2027-01", true)]).map((s) => s.period)).toEqual(["2026-12", "2027-01"]);
  });

  it("sees a series of zeros as nothing to show", () => {
    expect(anyNonZero(["0.00", "0", "-0.00"])).toBe(false);
    expect(anyNonZero(["0.00", "-1.50"])).toBe(true);
  });
});
