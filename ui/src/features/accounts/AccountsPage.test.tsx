import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { render } from "../../test/render";
import { AccountsPage } from "./AccountsPage";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { account, signedIn } from "../../test/fixtures";
import { notStarted } from "../discovery/store";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("AccountsPage", () => {
  it("tells an empty install what to do", async () => {
    mockBackend();
    render(<AccountsPage />);
    expect(await screen.findByTestId("accounts-empty")).toHaveProperty("textContent", expect.stringContaining("Add your partner account"));
  });

  it("adds an account and lists it", async () => {
    const backend = mockBackend();
    render(<AccountsPage />);
    fireEvent.change(await screen.findByLabelText("Account Name"), { target: { value: "Contoso" } });
    fireEvent.change(screen.getByLabelText(/Account Id/), { target: { value: "0A1B2C3D-0000-4000-8000-000000000001" } });
    fireEvent.click(screen.getByTestId("account-add"));
    const row = await screen.findByTestId("account-row");
    expect(row.textContent).toContain("Contoso");
    expect(row.textContent).toContain("0a1b2c3d-0000-4000-8000-000000000001");
    expect(backend.accounts).toHaveLength(1);
    // The form folds away behind "Add another partner account", and opens empty.
    expect(screen.queryByLabelText("Account Name")).toBeNull();
    fireEvent.click(screen.getByTestId("account-add-another"));
    expect(screen.getByLabelText<HTMLInputElement>("Account Name").value).toBe("");
  });

  it("shows a backend validation error next to the field it names and keeps the input", async () => {
    mockBackend();
    render(<AccountsPage />);
    fireEvent.change(await screen.findByLabelText("Account Name"), { target: { value: "Contoso" } });
    fireEvent.change(screen.getByLabelText(/Account Id/), { target: { value: "not-a-guid" } });
    fireEvent.click(screen.getByTestId("account-add"));
    const err = await screen.findByTestId("error-tenantId");
    expect(err.textContent).toContain("not-a-guid");
    expect(screen.queryByTestId("error-name")).toBeNull();
    const tenant = screen.getByLabelText<HTMLInputElement>(/Account Id/);
    expect(tenant.value).toBe("not-a-guid");
    expect(tenant.getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(tenant, { target: { value: "not-a-guid!" } });
    expect(screen.queryByTestId("error-tenantId")).toBeNull();
    expect(tenant.getAttribute("aria-invalid")).toBeNull();
  });

  it("deletes only after confirmation", async () => {
    const backend = mockBackend([{ id: "a1", name: "Fabrikam", tenantId: "0a1b2c3d-0000-4000-8000-000000000002", createdAt: "2026-11-20T10:00:00Z", sandbox: false, signIn: { state: "signedOut" } }]);
    render(<AccountsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Delete Fabrikam" }));
    expect(backend.accounts).toHaveLength(1);
    expect(document.activeElement?.textContent).toBe("Keep");
    fireEvent.keyDown(document.activeElement as Element, { key: "Escape" });
    expect(screen.queryByRole("button", { name: "Yes, delete Fabrikam" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Delete Fabrikam" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, delete Fabrikam" }));
    await waitFor(() => {
      expect(screen.getByTestId("accounts-empty")).toBeTruthy();
    });
    expect(backend.accounts).toHaveLength(0);
  });

  it("leads a first run through add, sign in and Discovery, with only the current step's action primary", async () => {
    mockBackend();
    render(<AccountsPage />);
    expect((await screen.findByTestId("setup-add")).getAttribute("aria-current")).toBe("step");
    cleanup();
    clearMocks();

    mockBackend([account()]);
    render(<AccountsPage />);
    expect((await screen.findByTestId("setup-signIn")).getAttribute("aria-current")).toBe("step");
    expect(screen.getByTestId("setup-add").textContent).toContain("(done)");
    // The Add form folds away once an account exists; Start waits for the sign-in, saying so.
    expect(screen.queryByTestId("account-name")).toBeNull();
    fireEvent.click(screen.getByTestId("account-add-another"));
    expect(screen.getByTestId("account-name")).toBeTruthy();
    const start = await screen.findByTestId<HTMLButtonElement>("discovery-start");
    expect(start.disabled).toBe(true);
    expect(screen.getByTestId("signin-login").className).toBe("primary");
    cleanup();
    clearMocks();

    mockBackend([signedIn()]);
    render(<AccountsPage />);
    expect((await screen.findByTestId("setup-discover")).getAttribute("aria-current")).toBe("step");
    expect((await screen.findByTestId<HTMLButtonElement>("discovery-start")).className).toBe("primary");
    cleanup();
    clearMocks();

    mockBackend([signedIn()], "Admin", { statuses: [{ ...notStarted("a1"), state: "completed", lastSuccessAt: "2026-11-21T12:00:00Z" }] });
    render(<AccountsPage />);
    await waitFor(() => {
      expect(screen.getByTestId("discovery-last-success").textContent).not.toContain("never");
    });
    expect(screen.queryByTestId("setup-path")).toBeNull();
  });
});
