import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { render } from "../../test/render";
import { AccountsPage } from "./AccountsPage";
import { clearMocks, mockBackend } from "../../test/ipcMock";

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
    fireEvent.change(screen.getByLabelText("Account Name"), { target: { value: "Contoso" } });
    fireEvent.change(screen.getByLabelText(/Account Id/), { target: { value: "0A1B2C3D-0000-4000-8000-000000000001" } });
    fireEvent.click(screen.getByTestId("account-add"));
    const row = await screen.findByTestId("account-row");
    expect(row.textContent).toContain("Contoso");
    expect(row.textContent).toContain("0a1b2c3d-0000-4000-8000-000000000001");
    expect(backend.accounts).toHaveLength(1);
    expect(screen.getByLabelText<HTMLInputElement>("Account Name").value).toBe("");
  });

  it("shows a backend validation error next to the field it names and keeps the input", async () => {
    mockBackend();
    render(<AccountsPage />);
    fireEvent.change(screen.getByLabelText("Account Name"), { target: { value: "Contoso" } });
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
});
