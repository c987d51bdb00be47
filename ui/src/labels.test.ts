import { describe, expect, it } from "vitest";
import { label } from "./labels";

describe("labels for Microsoft's codes", () => {
  it("reads known codes as words", () => {
    expect(label("active")).toBe("Active");
    expect(label("one_time")).toBe("One-time");
    expect(label("SavingsPlan")).toBe("Savings plan");
    expect(label("PayAsYouUse")).toBe("Pay-as-you-go");
    expect(label("OnDemand")).toBe("Pay-as-you-go");
    expect(label("cycleCharge")).toBe("Cycle charge");
  });

  it("splits codes it does not know into words and leaves words alone", () => {
    expect(label("prorateFeesWhenPurchase")).toBe("Prorate fees when purchase");
    expect(label("AZURE_PLAN")).toBe("Azure plan");
    expect(label("Cycle instance prorate")).toBe("Cycle instance prorate");
    expect(label(null)).toBe("—");
    expect(label("")).toBe("—");
  });
});
