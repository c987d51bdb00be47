import { describe, expect, it } from "vitest";
import { addDecimal, isDecimal, subtractDecimal, sumDecimals } from "./money";

describe("exact decimal sums", () => {
  it("adds without float drift", () => {
    expect(addDecimal("0.1", "0.2")).toBe("0.3");
    expect(sumDecimals(Array.from({ length: 10_000 }, () => "0.01"))).toBe("100.00");
    expect(sumDecimals(["1234.5678", "0.0002", "-1000"])).toBe("234.5680");
  });

  it("keeps signs, leading zeros and scale right", () => {
    expect(addDecimal("-0.10", "0.05")).toBe("-0.05");
    expect(addDecimal("-1", "1")).toBe("0");
    expect(addDecimal("-5", "-0.005")).toBe("-5.005");
    expect(sumDecimals([])).toBe("0");
    expect(sumDecimals(["007.50", "2"])).toBe("9.50");
  });

  it("handles amounts beyond float precision", () => {
    expect(addDecimal("9007199254740993.01", "0.01")).toBe("9007199254740993.02");
  });

  it("skips text that is not a decimal", () => {
    expect(sumDecimals(["1.5", "n/a", "", "2"])).toBe("3.5");
    expect(isDecimal("12.30")).toBe(true);
    expect(isDecimal("1e3")).toBe(false);
  });

  it("subtracts exactly, for margins", () => {
    expect(subtractDecimal("111.99", "99.99")).toBe("12.00");
    expect(subtractDecimal("0.1", "0.3")).toBe("-0.2");
    expect(subtractDecimal("5", "-0.005")).toBe("5.005");
    expect(subtractDecimal("x", "1")).toBeNull();
  });
});
