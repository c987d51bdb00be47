import { label } from "../../labels";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { resetStackMock, stackMock } from "../../test/stackMock";
import { signedIn } from "../../test/fixtures";
import type { StackOverviewDto } from "../../ipc";

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
  setAside: [],
};
const account = signedIn();
const CUSTOMER_SUB = "2d2ab3a7-1b7a-4f3e-9c5b-7e1a0f8c3d21";

describe("Azure Stack page", () => {
  it("says what to do when no registration subscription is named", async () => {
    mockBackend([account]);
    resetStackMock({ subscriptions: [], registrations: [], setAside: [] });
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

  it("lists what a refresh could not read, with why, instead of leaving it out", async () => {
    mockBackend([account]);
    resetStackMock(overview);
    window.location.hash = `#/stack/${account.id}`;
    render(<App />);
    await screen.findByTestId("stack-registrations");
    expect(screen.queryByTestId("stack-set-aside")).toBeNull();
    stackMock.overview = {
      ...overview,
      setAside: [
        {
          endpoint: `/subscriptions/${SUB}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-payg/customerSubscriptions`,
          index: 3,
          field: "id",
          reason: "'not-a-guid' (from id '', name 'azurestack-payg/not-a-guid') is not a subscription GUID",
          raw: '{"name":"azurestack-payg/not-a-guid"}',
        },
      ],
    };
    fireEvent.click(screen.getByTestId("stack-refresh"));
    const aside = await screen.findByTestId("stack-set-aside");
    expect(aside.textContent).toContain("1 item(s)");
    expect(aside.textContent).toContain("is not a subscription GUID (id, item 3 of");
  });

  it("turns adding off, with the reason, on a registration whose billing model refuses customer subscriptions", async () => {
    mockBackend([account]);
    resetStackMock(overview);
    window.location.hash = `#/stack/${account.id}/${SUB}/azurestack/azurestack-capacity`;
    render(<App />);
    const reason = await screen.findByTestId("stack-add-refused");
    expect(reason.textContent).toContain("billing model is Capacity");
    expect(reason.textContent).toContain(`only to a registration billed ${label("PayAsYouUse")}`);
    expect(screen.getByTestId<HTMLButtonElement>("stack-add").disabled).toBe(true);
    expect(screen.getByTestId<HTMLInputElement>("stack-customer-subscription").closest("fieldset")?.disabled).toBe(true);
    expect(screen.getByTestId("stack-add-form").getAttribute("aria-describedby")).toBe(reason.id);
  });

  it("shows Azure's refusal with its guidance next to the Add button and keeps the input", async () => {
    const state = mockBackend([account]);
    resetStackMock(overview);
    window.location.hash = `#/stack/${account.id}/${SUB}/azurestack/azurestack-payg`;
    render(<App />);
    await screen.findByTestId("stack-add-form");
    expect(screen.queryByTestId("stack-add-refused")).toBeNull();
    const guidance =
      "This registration uses the Capacity billing model (disconnected), which cannot add customer subscriptions. Re-register the Azure Stack Hub with the PayAsYouUse billing model to bill customers.";
    state.failures.set("azure_stack_add_customer", { code: "Forbidden", message: guidance, field: "registration" });
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

  it("sets the Stack's admin endpoint, imports usage, and shows what is billed to the default subscription", async () => {
    mockBackend([account]);
    resetStackMock(overview);
    const at = { subscriptionId: SUB, resourceGroup: "azurestack", name: "azurestack-payg" };
    stackMock.stackUsage = [
      {
        month: "2026-11",
        registration: at,
        attribution: "default",
        subscriptionId: SUB,
        tenantId: "lab-tenant",
        customerId: null,
        companyName: null,
        currency: "USD",
        amount: "2.304",
        unpricedLines: 0,
        lines: [
          { meterId: "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5", meterName: "Base VM Size Hours", unit: "vCPU Hours", quantity: "288", rate: "0.008", amount: "2.304" },
        ],
      },
    ];
    window.location.hash = `#/stack/${account.id}/${SUB}/azurestack/azurestack-payg`;
    render(<App />);
    const usage = await screen.findByTestId("stack-usage");
    expect(await within(usage).findByText("No usage imported")).toBeTruthy();
    // A plain-http endpoint is refused next to its field.
    fireEvent.change(within(usage).getByTestId("stack-endpoint-input"), { target: { value: "http://stack.example" } });
    fireEvent.change(within(usage).getByTestId("stack-provider-input"), { target: { value: SUB } });
    fireEvent.click(within(usage).getByText("Save endpoint"));
    expect((await within(usage).findByRole("alert")).textContent).toContain("https://");
    expect(within(usage).getByTestId("stack-endpoint-input").getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(within(usage).getByTestId("stack-endpoint-input"), {
      target: { value: "https://adminmanagement.local.azurestack.external" },
    });
    fireEvent.click(within(usage).getByText("Save endpoint"));
    expect((await within(usage).findByTestId("stack-endpoint")).textContent).toContain("adminmanagement.local");

    fireEvent.click(within(usage).getByTestId("stack-import-usage"));
    expect((await within(usage).findByTestId("stack-usage-imported")).textContent).toContain("1 daily usage records");
    const row = await within(usage).findByTestId("stack-usage-row");
    expect(row.dataset.attribution).toBe("default");
    expect(row.textContent).toContain("Default subscription");
    // Rated at full precision: 288 vCPU-hours at 0.008 is 2.304, not rounded to cents.
    const total = row.querySelector<HTMLElement>("td[data-amount]");
    expect(total?.dataset.amount).toBe("2.304");
    expect(total?.title).toBe("Exactly 2.304 USD");
    expect(total?.textContent).toContain("2.30");
    fireEvent.click(within(row).getByRole("button"));
    const line = await within(usage).findByTestId("stack-usage-line");
    expect(line.textContent).toContain("Base VM Size Hours");
    expect(line.textContent).toContain("288 vCPU Hours");
    expect(line.textContent).toContain("0.008 USD");
    await waitFor(() => {
      expect(screen.queryByTestId("stack-usage-error")).toBeNull();
    });
  });
});
