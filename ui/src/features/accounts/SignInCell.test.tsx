import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { render } from "../../test/render";
import { AccountsPage } from "./AccountsPage";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import type { AccountDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const base = { id: "a1", name: "Contoso", tenantId: "0a1b2c3d-0000-4000-8000-000000000001", createdAt: "2026-11-20T10:00:00Z", sandbox: false };

describe("sign-in on the Accounts page", () => {
  it("offers the sandbox on an empty page and lists it once added", async () => {
    const backend = mockBackend();
    render(<AccountsPage />);
    fireEvent.click(await screen.findByTestId("try-sandbox"));
    const row = await screen.findByTestId("account-row");
    expect(row.textContent).toContain("sandbox");
    expect(row.textContent).toContain("Sandbox");
    expect(screen.getByTestId("signin-login").textContent).toBe("Login with Microsoft");
    expect(backend.accounts).toHaveLength(1);
  });

  it("shows who is signed in, roles, access and when consent lapses, with a warning when close", async () => {
    const signedIn: AccountDto = {
      ...base,
      signIn: {
        state: "signedIn",
        upn: "admin@contoso.onmicrosoft.com",
        tenantId: base.tenantId,
        roles: [{ id: "62e90394-69f5-4237-9190-012177145e10", name: "Global Administrator" }],
        access: "Admin",
        mfa: true,
        consentedAt: "2026-09-01T10:00:00Z",
        lapsesAt: "2026-11-30T10:00:00Z",
        lapsingSoon: true,
      },
    };
    mockBackend([signedIn]);
    render(<AccountsPage />);
    const status = await screen.findByTestId("signin-status");
    expect(screen.getByTestId("signin-upn").textContent).toBe("admin@contoso.onmicrosoft.com");
    expect(status.textContent).toContain("Global Administrator");
    expect(status.textContent).toContain("Admin access");
    expect(status.textContent).toContain("Sign in again soon");
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => {
      expect(screen.getByTestId("signin-login").textContent).toBe("Login with Microsoft");
    });
  });

  it("says Sign in again once consent has lapsed, never an error dump", async () => {
    mockBackend([{ ...base, signIn: { state: "lapsed", upn: "admin@contoso.onmicrosoft.com", lapsedAt: "2026-10-01T10:00:00Z" } }]);
    render(<AccountsPage />);
    expect((await screen.findByTestId("signin-lapsed")).textContent).toContain("admin@contoso.onmicrosoft.com");
    expect(screen.getByTestId("signin-login").textContent).toBe("Sign in again");
  });
});

describe("finance (read-only) access", () => {
  it("hides adding, settings and deleting, and says why", async () => {
    mockBackend([{ ...base, signIn: { state: "signedOut" } }], "Finance");
    render(<AccountsPage />);
    const banner = await screen.findByTestId("finance-banner");
    expect(banner.textContent).toContain("Billing Administrator");
    expect(screen.queryByTestId("account-add")).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete Contoso" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Settings of Contoso" })).toBeNull();
  });
});

describe("account settings", () => {
  it("shows a bad client ID next to its field", async () => {
    mockBackend([{ ...base, signIn: { state: "signedOut" } }]);
    render(<AccountsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Settings of Contoso" }));
    const client = await screen.findByTestId("settings-clientId");
    fireEvent.change(client, { target: { value: "my-app" } });
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect((await screen.findByTestId("settings-error-clientId")).textContent).toContain("my-app");
  });
});
