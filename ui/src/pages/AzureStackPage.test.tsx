import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "../App";
import { clearMocks, mockBackend } from "../test/ipcMock";
import { resetStackMock } from "../test/stackMock";
import { signedIn } from "../test/fixtures";
import type { StackOverviewDto } from "../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const SUB = "bd365b91-49c1-4e84-9002-cf3186465d52";
const overview: StackOverviewDto = {
  subscriptions: [SUB],
  registrations: [
    {
      at: { subscriptionId: SUB, resourceGroup: "azurestack", name: "azurestack-payg" },
      cloudId: "payg",
      billingModel: "PayAsYouUse",
      acceptsCustomers: true,
      customerSubscriptions: 0,
      readAt: "2026-11-22T08:00:00Z",
    },
    {
      at: { subscriptionId: SUB, resourceGroup: "azurestack", name: "azurestack-capacity" },
      cloudId: "capacity",
      billingModel: "Capacity",
      acceptsCustomers: false,
      customerSubscriptions: 0,
      readAt: "2026-11-22T08:00:00Z",
    },
  ],
};
const account = signedIn();
const CUSTOMER_SUB = "2d2ab3a7-1b7a-4f3e-9c5b-7e1a0f8c3d21";

describe("Azure Stack page", () => {
  it("says what to do when no registration subscription is named", async () => {
    mockBackend([account]);
    resetStackMock({ subscriptions: [], registrations: [] });
    window.location.hash = "#/stack";
    render(<App />);
    expect(await screen.findByText("No registration subscription yet")).toBeTruthy();
    expect(screen.getByTestId<HTMLButtonElement>("stack-refresh").disabled).toBe(true);
  });

  it("adds a discovered customer subscription, lists it, and removes it", async () => {
    mockBackend([account]);
    resetStackMock(overview, [
      { customerId: "c-1", companyName: "Adatum", tenantId: "c-1", subscriptionId: CUSTOMER_SUB, friendlyName: "Production 1" },
    ]);
    window.location.hash = `#/stack/${account.id}/${SUB}/azurestack/azurestack-payg`;
    render(<App />);
    expect(await screen.findByText("No customer subscriptions")).toBeTruthy();
    fireEvent.change(await screen.findByTestId("stack-pick"), { target: { value: CUSTOMER_SUB } });
    expect(screen.getByTestId<HTMLInputElement>("stack-customer-subscription").value).toBe(CUSTOMER_SUB);
    fireEvent.click(screen.getByTestId("stack-add"));
    const row = await screen.findByTestId(`stack-customer-${CUSTOMER_SUB}`);
    expect(within(row).getByText("Adatum")).toBeTruthy();
    // The registrations table's count follows.
    const regs = screen.getByTestId("stack-registrations");
    await waitFor(() => {
      expect(within(regs).getAllByRole("row")[1]?.textContent).toContain("1");
    });
    fireEvent.click(screen.getByTestId(`stack-remove-${CUSTOMER_SUB}`));
    expect(await screen.findByText("No customer subscriptions")).toBeTruthy();
  });

  it("shows Azure's refusal with its guidance next to the Add button and keeps the input", async () => {
    const state = mockBackend([account]);
    resetStackMock(overview);
    window.location.hash = `#/stack/${account.id}/${SUB}/azurestack/azurestack-capacity`;
    render(<App />);
    expect(await screen.findByText(/only PayAsYouUse registrations can add customer subscriptions/)).toBeTruthy();
    const guidance =
      "This registration uses the Capacity billing model (disconnected), which cannot add customer subscriptions. Re-register the Azure Stack Hub with the PayAsYouUse billing model to bill customers.";
    state.failures.set("stack_add_customer", { code: "Forbidden", message: guidance, field: "registration" });
    fireEvent.change(screen.getByTestId("stack-customer-subscription"), { target: { value: CUSTOMER_SUB } });
    fireEvent.change(screen.getByTestId("stack-customer-tenant"), { target: { value: "c-1" } });
    fireEvent.click(screen.getByTestId("stack-add"));
    const alert = await screen.findByTestId("stack-add-error");
    expect(alert.textContent).toBe(guidance);
    expect(screen.getByTestId<HTMLInputElement>("stack-customer-subscription").value).toBe(CUSTOMER_SUB);
  });

  it("refuses a malformed id before calling Azure and marks the field", async () => {
    mockBackend([account]);
    resetStackMock(overview);
    window.location.hash = `#/stack/${account.id}/${SUB}/azurestack/azurestack-payg`;
    render(<App />);
    fireEvent.change(await screen.findByTestId("stack-customer-subscription"), { target: { value: "not-a-guid" } });
    fireEvent.click(screen.getByTestId("stack-add"));
    expect((await screen.findByTestId("stack-add-error")).textContent).toContain("not a valid Azure subscription id");
    expect(screen.getByTestId("stack-customer-subscription").getAttribute("aria-invalid")).toBe("true");
  });
});
