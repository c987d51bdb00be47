import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { SubscriptionsPage } from "./SubscriptionsPage";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { customer, signedIn, subscription } from "../../test/fixtures";
import { formatDay, formatMoney } from "../../format";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
  window.localStorage.clear();
});

/** Shows columns hidden by default (the grid's column chooser). */
function showColumns(...keys: string[]) {
  for (const key of keys) fireEvent.click(within(screen.getByTestId("subscription-table-columns")).getByTestId(`column-${key}`));
}

const subs = [
  subscription(),
  subscription({ id: "s-2", offerName: "Azure plan", offerId: "DZH318Z0BPS6:0001", kind: "azurePlan", friendlyName: null, quantity: "1", billingCycle: "monthly", termDuration: null, commitmentEndDate: null, entitlements: [
    { id: "11111111-1111-4111-8111-111111111111", friendlyName: "Production", status: "active" },
    { id: "22222222-2222-4222-8222-222222222222", friendlyName: null, status: "disabled" },
  ] }),
  subscription({ id: "s-3", customerId: "c-00002", customerName: "Customer 00002", offerName: "Exchange Online (Plan 1)", quantity: "250", status: "suspended" }),
];

const offers = () => screen.getAllByTestId("subscription-row").map((r) => r.querySelector("td")?.textContent);

describe("Subscriptions page", () => {
  it("lists every subscription with its columns", async () => {
    mockBackend([signedIn()], "Admin", { subscriptions: subs });
    render(<SubscriptionsPage rest={[]} />);
    expect(await screen.findAllByTestId("subscription-row")).toHaveLength(3);
    expect(screen.getByTestId("subscriptions-title").textContent).toBe("Subscriptions");
    expect(screen.getByTestId("subscription-count").textContent).toBe("3 subscriptions");
    // Terms, dates and kinds are in the column chooser.
    expect(document.querySelector('[data-col="term"]')).toBeNull();
    showColumns("name", "term", "kind", "created", "commitmentEnd");
    const basic = screen.getAllByTestId("subscription-row").find((r) => r.textContent.includes("Basic seats")) as HTMLElement;
    expect(basic.textContent).toContain("Customer 00001");
    expect(basic.textContent).toContain("1 year");
    expect(basic.textContent).toContain("Licence");
    expect(basic.textContent).toContain(formatDay("2026-01-15"));
    expect(basic.textContent).toContain(formatDay("2027-01-14"));
    const quantity = within(basic).getByText("10").closest("td");
    expect(quantity?.className).toBe("num");
  });

  it("shows one customer's subscriptions from the route, names the customer and links back", async () => {
    const backend = mockBackend([signedIn()], "Admin", { subscriptions: subs });
    window.location.hash = "#/subscriptions/a1/c-00001";
    render(<App />);
    await waitFor(() => {
      expect(screen.getAllByTestId("subscription-row")).toHaveLength(2);
    });
    expect(screen.getByTestId("subscriptions-title").textContent).toBe("Subscriptions of Customer 00001");
    expect(backend.calls.find((c) => c.cmd === "customers_list_subscriptions")?.args).toEqual({ customer: { accountId: "a1", customerId: "c-00001" } });
    expect(screen.queryByText("Exchange Online (Plan 1)")).toBeNull();
    const back = screen.getByTestId("subscriptions-all");
    expect(back.getAttribute("href")).toBe("#/subscriptions");
    expect(screen.getByTestId("subscriptions-markup").getAttribute("href")).toBe("#/customers/a1/c-00001/markup");

    await act(async () => {
      window.location.hash = "#/subscriptions";
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await waitFor(() => {
      expect(screen.getByTestId("subscriptions-title").textContent).toBe("Subscriptions");
    });
    await waitFor(() => {
      expect(screen.getAllByTestId("subscription-row")).toHaveLength(3);
    });
    expect(backend.calls.filter((c) => c.cmd === "customers_list_subscriptions").at(-1)?.args).toEqual({ customer: null });
  });

  it("names a customer without subscriptions from the customer list", async () => {
    mockBackend([signedIn()], "Admin", { subscriptions: subs, customers: [customer(7, { companyName: "Tailspin Toys" })] });
    render(<SubscriptionsPage rest={["a1", "c-00007"]} />);
    expect((await screen.findByTestId("subscriptions-none")).textContent).toContain("no subscriptions");
    // The title and the empty note come from the same load.
    expect(screen.getByTestId("subscriptions-title").textContent).toBe("Subscriptions of Tailspin Toys");
  });

  it("searches and sorts", async () => {
    mockBackend([signedIn()], "Admin", { subscriptions: subs });
    render(<SubscriptionsPage rest={[]} />);
    await screen.findAllByTestId("subscription-row");
    fireEvent.click(screen.getByTestId("sort-quantity"));
    expect(offers()).toEqual(["Azure plan", "Microsoft 365 Business Basic", "Exchange Online (Plan 1)"]);
    fireEvent.click(screen.getByTestId("sort-quantity"));
    expect(offers()).toEqual(["Exchange Online (Plan 1)", "Microsoft 365 Business Basic", "Azure plan"]);
    expect(screen.getByTestId("sort-quantity").closest("th")?.getAttribute("aria-sort")).toBe("descending");

    fireEvent.change(screen.getByTestId("subscription-search"), { target: { value: "suspended" } });
    await waitFor(() => {
      expect(offers()).toEqual(["Exchange Online (Plan 1)"]);
    });
    expect(screen.getByTestId("subscription-count").textContent).toContain("1 subscription");
  });

  it("opens an Azure plan to its Azure subscriptions", async () => {
    mockBackend([signedIn()], "Admin", { subscriptions: subs });
    render(<SubscriptionsPage rest={["a1", "c-00001"]} />);
    await screen.findAllByTestId("subscription-row");
    const toggle = screen.getByTestId("entitlements-toggle");
    expect(toggle.textContent).toContain("2");
    expect(screen.queryByTestId("entitlements")).toBeNull();
    fireEvent.click(toggle);
    const list = screen.getByTestId("entitlements");
    expect(list.textContent).toContain("11111111-1111-4111-8111-111111111111");
    expect(list.textContent).toContain("Production");
    expect(list.textContent).toContain("disabled");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    fireEvent.click(toggle);
    expect(screen.queryByTestId("entitlements")).toBeNull();
  });

  it("shows the month-to-date cost, resale and margin of rated subscriptions, and sorts by them", async () => {
    const rated = [
      subscription({ id: "s-a", friendlyName: "Plan A", kind: "azurePlan", monthToDateCost: "120.50", monthToDateResale: "134.96", monthToDateMargin: "14.46", currency: "EUR" }),
      subscription({ id: "s-b", friendlyName: "Plan B", kind: "azurePlan", monthToDateCost: "9.99", monthToDateResale: "11.19", monthToDateMargin: "1.20", currency: "EUR" }),
      subscription({ id: "s-c", friendlyName: "Seats" }),
    ];
    mockBackend([signedIn()], "Admin", { subscriptions: rated });
    render(<SubscriptionsPage rest={[]} />);
    await screen.findAllByTestId("subscription-row");
    showColumns("name");
    const cell = (name: string, col: string) =>
      screen
        .getAllByTestId("subscription-row")
        .find((r) => r.textContent.includes(name))
        ?.querySelector(`[data-col="${col}"]`);
    expect(cell("Plan A", "cost")?.textContent).toBe(formatMoney("120.50", "EUR"));
    expect(cell("Plan A", "resale")?.textContent).toBe(formatMoney("134.96", "EUR"));
    expect(cell("Plan A", "margin")?.textContent).toBe(formatMoney("14.46", "EUR"));
    expect(cell("Plan A", "cost")?.className).toBe("num");
    expect(cell("Seats", "cost")?.textContent).toBe("—");
    expect(cell("Seats", "cost")?.querySelector("[title]")?.getAttribute("title")).toContain("Billing");
    fireEvent.click(screen.getByRole("button", { name: /Cost MTD/ }));
    const names = () => screen.getAllByTestId("subscription-row").map((r) => r.querySelector('[data-col="name"]')?.textContent);
    expect(names()).toEqual(["Plan B", "Plan A", "Seats"]);
  });

  it("says nothing is discovered yet when there are no subscriptions at all", async () => {
    mockBackend([signedIn()]);
    render(<SubscriptionsPage rest={[]} />);
    const empty = await screen.findByTestId("empty-state");
    expect(empty.textContent).toContain("Nothing discovered yet");
    expect(empty.textContent).toContain("run Discovery");
  });
});
