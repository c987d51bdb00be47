import { describe, expect, it } from "vitest";
import { localeFor } from "./locale";

describe("locale", () => {
  it("keeps the user's locale, but groups amounts in a POSIX (LANG=C) session", () => {
    expect(localeFor("de-DE")).toBeUndefined();
    expect(localeFor("en-GB")).toBeUndefined();
    expect(localeFor("en-US-POSIX")).toBe("en-US");
    expect(localeFor("en-US-u-va-posix")).toBe("en-US");
    expect(new Intl.NumberFormat(localeFor("en-US-POSIX"), { style: "currency", currency: "USD" }).format(152319.95)).toBe(
      "$152,319.95",
    );
  });
});
