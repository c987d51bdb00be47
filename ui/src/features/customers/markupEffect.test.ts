import { describe, expect, it } from "vitest";
import { effectOf, feeText, signedMoney } from "./markupEffect";
import { formatAmount, formatMoney, formatMonth } from "../../format";

const month = (period: string, currency: string, resaleBefore: string, resaleAfter: string) => ({
  period,
  currency,
  customers: 1,
  cost: "100.00",
  resaleBefore,
  resaleAfter,
  marginBefore: "0",
  marginAfter: "0",
});

describe("markup effect", () => {
  it("states the newest month's resale difference per currency, exactly", () => {
    const preview = {
      months: [
        month("2026-09", "GBP", "1.00", "2.00"),
        month("2026-10", "GBP", "1000.10", "1180.56"),
        month("2026-10", "EUR", "50.00", "45.80"),
      ],
    };
    expect(effectOf(preview)).toEqual([
      `${formatMonth("2026-10")} resale +${formatMoney("180.46", "GBP")}`,
      `${formatMonth("2026-10")} resale −${formatMoney("4.20", "EUR")}`,
    ]);
    expect(effectOf({ months: [] })).toEqual([]);
    expect(signedMoney("0.00", "GBP")).toBe("no change");
  });

  it("gives a fee its currency, or says it is in the billing currency", () => {
    expect(feeText("50.00", "GBP")).toBe(formatMoney("50.00", "GBP"));
    expect(feeText("50.00", null)).toBe(`${formatAmount("50.00")} in the billing currency`);
  });
});
