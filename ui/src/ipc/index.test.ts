import { describe, expect, it } from "vitest";
import { isApiError, toApiError } from "./index";

describe("toApiError", () => {
  it("keeps a backend {code, message, field}", () => {
    const e = { code: "Duplicate", message: "taken", field: "name" };
    expect(isApiError(e)).toBe(true);
    expect(toApiError(e)).toEqual(e);
  });

  it("wraps anything else as Internal with the original text", () => {
    const e = toApiError("command list_accountz not found");
    expect(e.code).toBe("Internal");
    expect(e.message).toContain("list_accountz");
    expect(e.field).toBeNull();
  });

  it("rejects unknown codes instead of trusting them, and shows their content", () => {
    expect(isApiError({ code: "Nope", message: "x" })).toBe(false);
    expect(isApiError({ code: "toString", message: "x" })).toBe(false);
    expect(toApiError({ code: "Nope", message: "x" }).message).toContain('"code":"Nope"');
  });
});
