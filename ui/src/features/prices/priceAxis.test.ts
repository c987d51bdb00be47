import { describe, expect, it } from "vitest";
import { priceAxis } from "./priceAxis";

describe("priceAxis", () => {
  it("spans the prices held, not zero, with labels that tell the ticks apart", () => {
    const axis = priceAxis([0.0962, 0.0987, 0.1001, 0.0998]);
    expect(axis.ticks[0]).toBeGreaterThan(0);
    expect(axis.ticks[0]).toBeLessThanOrEqual(0.0962);
    expect(axis.ticks.at(-1)).toBeGreaterThanOrEqual(0.1001);
    const labels = axis.ticks.map(axis.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.every((l) => /^0[.,]\d{3,4}$/.test(l))).toBe(true);
  });

  it("gives one price a band around it", () => {
    const axis = priceAxis([12.5, 12.5]);
    expect(axis.ticks[0]).toBeLessThan(12.5);
    expect(axis.ticks.at(-1)).toBeGreaterThan(12.5);
  });

  it("labels whole-number steps without decimals and never goes below zero", () => {
    const axis = priceAxis([3, 95]);
    expect(axis.ticks[0]).toBe(0);
    expect(axis.label(40)).toBe("40");
  });
});
