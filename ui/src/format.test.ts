import { describe, expect, it } from "vitest";
import {
  formatAmount,
  formatDay,
  formatDecimal,
  formatDuration,
  formatMoney,
  formatMoneyExact,
  formatMonth,
  formatPercent,
  formatTerm,
  todayIso,
} from "./format";
import { compareDecimal, sortRows } from "./table/sort";

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [400, "0 s"],
    [45_000, "45 s"],
    [120_000, "2 min"],
    [125_000, "2 min 5 s"],
    [3_600_000, "1 h"],
    [3_780_000 + 59_000, "1 h 3 min"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatMonth", () => {
  it("names the calendar month whatever the time zone", () => {
    const expected = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" }).format(new Date(2026, 9, 15));
    expect(formatMonth("2026-10")).toBe(expected);
    expect(formatMonth("later")).toBe("later");
  });
});

describe("formatDay", () => {
  it("keeps the calendar day whatever the time zone", () => {
    const expected = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(new Date(2027, 0, 14));
    expect(formatDay("2027-01-14")).toBe(expected);
    expect(formatDay("2027-01-14T00:00:00Z")).toBe(expected);
    expect(formatDay("soon")).toBe("soon");
  });

  it("shows Partner Center's year-9999 commitment end of an Azure plan as no end", () => {
    expect(formatDay("9999-12-14T00:00:00Z")).toBe("no end");
  });
});

describe("money and quantities", () => {
  it("formats exact decimals without float rounding", () => {
    expect(formatMoney("12345678901234567.12", "EUR")).toMatch(/567[.,]12/);
    // As a float 1.005 is 1.00499…, which would round down.
    expect(formatMoney("1.005", "EUR")).toMatch(/1[.,]01/);
    expect(formatMoney("5", "USD")).toContain("5.00");
    expect(formatMoney("1.5", null)).toBe(new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 }).format(1.5));
    expect(formatMoney("n/a", "EUR")).toBe("n/a EUR");
    expect(formatDecimal("250")).toBe(new Intl.NumberFormat().format(250));
  });
});

describe("formatTerm", () => {
  it("says ISO terms in words", () => {
    expect(formatTerm("P1M")).toBe("1 month");
    expect(formatTerm("P1Y")).toBe("1 year");
    expect(formatTerm("P3Y")).toBe("3 years");
    expect(formatTerm("weird")).toBe("weird");
    expect(formatTerm("P")).toBe("P");
  });
});

describe("compareDecimal", () => {
  it("orders decimal strings by value", () => {
    const values = ["10", "9.5", "-2", "0.10", "-10.25", "0", "100.001", "-0"];
    expect([...values].sort(compareDecimal)).toEqual(["-10.25", "-2", "0", "-0", "0.10", "9.5", "10", "100.001"]);
    expect(compareDecimal("1.50", "1.5")).toBe(0);
    expect(compareDecimal("12345678901234567.01", "12345678901234567.02")).toBeLessThan(0);
  });

  it("keeps blanks last both ways", () => {
    const rows = [{ v: "" }, { v: "2" }, { v: "1" }];
    const blank = (r: { v: string }) => r.v === "";
    expect(sortRows(rows, (a, b) => compareDecimal(a.v, b.v), "ascending", blank).map((r) => r.v)).toEqual(["1", "2", ""]);
    expect(sortRows(rows, (a, b) => compareDecimal(a.v, b.v), "descending", blank).map((r) => r.v)).toEqual(["2", "1", ""]);
  });
});

describe("formatPercent", () => {
  it("formats a decimal percentage exactly, in the locale's percent style", () => {
    const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 20 });
    expect(formatPercent("12")).toBe(percent.format(0.12));
    expect(formatPercent("-5.5")).toBe(percent.format(-0.055));
    expect(formatPercent("150")).toBe(percent.format(1.5));
    expect(formatPercent("0")).toBe(percent.format(0));
    expect(formatPercent("-100")).toBe(percent.format(-1));
    expect(formatPercent("0.125")).toBe(percent.format("0.00125"));
    // Digits past float precision survive.
    expect(formatPercent("12.34567890123456789")).toBe(percent.format("0.1234567890123456789"));
    expect(formatPercent("lots")).toBe("lots%");
  });
});

describe("formatAmount", () => {
  it("keeps at least two decimals and drops none", () => {
    const two = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 });
    expect(formatAmount("50")).toBe(two.format(50));
    expect(formatAmount("50.00")).toBe(two.format(50));
    expect(formatAmount("1234.125")).toBe(new Intl.NumberFormat(undefined, { minimumFractionDigits: 3 }).format(1234.125));
    expect(formatAmount("n/a")).toBe("n/a");
  });
});

describe("todayIso", () => {
  it("is the local calendar day", () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });
});

describe("formatMoneyExact", () => {
  it("keeps every digit of an amount, and at least the currency's cents", () => {
    expect(formatMoneyExact("125.1675", "EUR")).toMatch(/125[.,]1675/);
    expect(formatMoney("125.1675", "EUR")).toMatch(/125[.,]17/);
    // Whole amounts as formatMoney writes them, in the currency's cents.
    expect(formatMoneyExact("5", "EUR")).toBe(formatMoney("5", "EUR"));
    expect(formatMoneyExact("0.001", "USD")).toMatch(/0[.,]001/);
    // No currency code: the plain cents form formatMoney writes.
    expect(formatMoneyExact("1.5", null)).toBe(formatMoney("1.5", null));
  });
});
