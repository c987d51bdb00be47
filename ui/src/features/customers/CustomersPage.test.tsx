import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { CustomersPage } from "./CustomersPage";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { customer, signedIn } from "../../test/fixtures";
import { formatCount, formatMoney, formatMoneyExact, formatPercent } from "../../format";
import { CONTENT_WIDTH_1280, shownColumns } from "../../test/grid";

beforeEach(() => {
  window.localStorage.clear();
  window.location.hash = "#/customers";
});

/** Shows a column that is hidden by default (the grid's column chooser). */
function showColumn(key: string) {
  fireEvent.click(within(screen.getByTestId("customer-table-columns")).getByTestId(`column-${key}`));
}

afterEach(() => {
  cleanup();
  clearMocks();
});

const names = () => screen.getAllByTestId("customer-row").map((r) => r.querySelector("td:nth-child(2)")?.textContent);

const few = [
  customer(1, { companyName: "Northwind Traders", domain: "northwind.onmicrosoft.com", subscriptionCount: 3, monthToDateCost: "1234.50", currency: "EUR" }),
  customer(2, { companyName: "Adatum", domain: "adatum.com", tenantId: "aaaaaaaa-0000-4000-8000-00000000beef", subscriptionCount: 10, monthToDateCost: "99.99", monthToDateResale: "111.99", monthToDateMargin: "12.00", currency: "EUR" }),
  customer(3, { companyName: "Contoso 10", domain: "contoso10.com", subscriptionCount: 1, reachable: false, tenantId: null }),
  customer(4, { companyName: "Contoso 9", domain: "contoso9.com", accountId: "a2", accountName: "Fabrikam", subscriptionCount: 0 }),
];

describe("Customers page", () => {
  it("shows each customer's savings on list in the column chooser, added up per currency", async () => {
    // Contoso: list 151.35 − effective 125.1675 = 26.1825; Adatum: list 20.00 − 17.00 = 3.00.
    const saved = [
      customer(1, { companyName: "Contoso", monthToDateCost: "125.16", monthToDateResale: "137.68", monthToDateMargin: "12.52", monthToDateList: "151.35", monthToDateSavings: "26.1825", currency: "EUR" }),
      customer(2, { companyName: "Adatum", monthToDateCost: "17.00", monthToDateResale: "17.00", monthToDateMargin: "0.00", monthToDateList: "20.00", monthToDateSavings: "3.00", currency: "EUR" }),
    ];
    mockBackend([signedIn()], "Admin", { customers: saved });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    showColumn("savings");
    const contoso = screen.getAllByTestId("customer-row").find((r) => r.textContent.includes("Contoso")) as HTMLElement;
    expect(contoso.querySelector("td[data-col=savings]")?.textContent).toBe(formatMoneyExact("26.1825", "EUR"));
    const totals = screen.getByTestId("customer-table-totals");
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=savings]")?.textContent).toBe(formatMoneyExact("29.1825", "EUR"));
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=margin]")?.textContent).toBe(formatMoney("12.52", "EUR"));
  });

  it("lists every customer with its columns, sorted by company", async () => {
    mockBackend([signedIn()], "Admin", { customers: few });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    expect(screen.getByTestId("customer-count").textContent).toBe("4 customers");
    expect(names()).toEqual(["Adatum", "Contoso 9", "Contoso 10No access", "Northwind Traders"]);
    // Name, cost, resale and margin first, and everything shown fits a 1280x800 window.
    const layout = shownColumns("customer-table");
    expect(layout.keys.slice(0, 5)).toEqual(["select", "company", "cost", "resale", "margin"]);
    expect(layout.width).toBeLessThanOrEqual(CONTENT_WIDTH_1280);
    let adatum = screen.getAllByTestId("customer-row")[0] as HTMLElement;
    // Ids and the relationship are in the chooser, not in the default view.
    expect(adatum.querySelector("td[data-col=tenant]")).toBeNull();
    showColumn("tenant");
    showColumn("relationship");
    adatum = screen.getAllByTestId("customer-row")[0] as HTMLElement;
    const tenant = adatum.querySelector("td[data-col=tenant]");
    expect(tenant?.textContent).toContain("aaaaaaaa…");
    expect(tenant?.querySelector("[title]")?.getAttribute("title")).toBe("aaaaaaaa-0000-4000-8000-00000000beef");
    expect(within(tenant as HTMLElement).getByRole("button", { name: "Copy tenant ID aaaaaaaa-0000-4000-8000-00000000beef" })).toBeTruthy();
    expect(adatum.textContent).toContain("Reseller");
    const cost = adatum.querySelector("td[data-col=cost]");
    expect(cost?.className).toBe("num");
    expect(cost?.textContent).toContain("99.99");
    expect(adatum.querySelector("td[data-col=resale]")?.textContent).toContain("111.99");
    const margin = adatum.querySelector("td[data-col=margin]");
    expect(margin?.className).toBe("num");
    expect(margin?.textContent).toContain("12.00");
    // No cost yet shows a dash, never 0.
    expect(screen.getAllByTestId("customer-row")[1]?.querySelector("td[data-col=cost]")?.textContent).toBe("—");
    expect(screen.getAllByTestId("customer-row")[1]?.querySelector("td[data-col=margin]")?.textContent).toBe("—");
  });

  it("shows a customer's Azure cost from the exports, linked to its split", async () => {
    const tenant = "aaaaaaaa-0000-4000-8000-00000000beef";
    const exported = few.map((c) =>
      c.tenantId === tenant ? { ...c, exportedCost: { month: "2026-10", cost: "11200.60", currency: "EUR" } } : c,
    );
    mockBackend([signedIn()], "Admin", { customers: exported });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    showColumn("exported");
    const rows = screen.getAllByTestId("customer-row");
    const link = within(rows[0] as HTMLElement).getByTestId<HTMLAnchorElement>("customer-exported-cost");
    expect(link.textContent).toContain("11,200.60");
    expect(link.getAttribute("href")).toBe(`#/costs/a1/actual/2026-10/${tenant}`);
    // Customers without exported costs show a dash, never 0.
    expect(rows[1]?.querySelector("td[data-col=exported]")?.textContent).toBe("—");
  });

  it("searches company, domain and tenant id", async () => {
    mockBackend([signedIn()], "Admin", { customers: few });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    const search = screen.getByTestId("customer-search");
    fireEvent.change(search, { target: { value: "contoso" } });
    await waitFor(() => {
      expect(names()).toHaveLength(2);
    });
    expect(screen.getByTestId("customer-count").textContent).toContain("2 customers");
    expect(screen.getByTestId("customer-count").textContent).toContain("filtered from 4");
    fireEvent.change(search, { target: { value: "ADATUM.COM" } });
    await waitFor(() => {
      expect(names()).toEqual(["Adatum"]);
    });
    fireEvent.change(search, { target: { value: "00000000beef" } });
    await waitFor(() => {
      expect(names()).toEqual(["Adatum"]);
    });
    fireEvent.change(search, { target: { value: "nobody" } });
    await waitFor(() => {
      expect(screen.queryAllByTestId("customer-row")).toHaveLength(0);
    });
    expect(screen.getByTestId("customer-table").textContent).toContain("No customer matches");
  });

  it("sorts by a header, flips on a second click and says so with aria-sort", async () => {
    mockBackend([signedIn()], "Admin", { customers: few });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    const header = (key: string) => screen.getByTestId(`sort-${key}`).closest("th") as HTMLElement;
    expect(header("company").getAttribute("aria-sort")).toBe("ascending");
    expect(header("subscriptions").getAttribute("aria-sort")).toBe("none");

    fireEvent.click(screen.getByTestId("sort-subscriptions"));
    expect(header("subscriptions").getAttribute("aria-sort")).toBe("ascending");
    expect(header("company").getAttribute("aria-sort")).toBe("none");
    expect(names()).toEqual(["Contoso 9", "Contoso 10No access", "Northwind Traders", "Adatum"]);

    fireEvent.click(screen.getByTestId("sort-subscriptions"));
    expect(header("subscriptions").getAttribute("aria-sort")).toBe("descending");
    expect(names()).toEqual(["Adatum", "Northwind Traders", "Contoso 10No access", "Contoso 9"]);

    // Costs compare as decimals, and customers without one stay last both ways.
    fireEvent.click(screen.getByTestId("sort-cost"));
    expect(names().slice(0, 2)).toEqual(["Adatum", "Northwind Traders"]);
    fireEvent.click(screen.getByTestId("sort-cost"));
    expect(names().slice(0, 2)).toEqual(["Northwind Traders", "Adatum"]);
  });

  it("renders only the rows in view of 10,000 customers and follows the scroll", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => customer(i));
    mockBackend([signedIn()], "Admin", { customers: many });
    render(<CustomersPage />);
    const rows = await screen.findAllByTestId("customer-row");
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByTestId("customer-count").textContent).toBe(`${formatCount(10_000)} customers`);
    const table = within(screen.getByTestId("customer-table")).getByRole("table");
    expect(table.getAttribute("aria-rowcount")).toBe("10001");

    const view = screen.getByTestId("customer-table");
    view.scrollTop = 5_000 * 36;
    fireEvent.scroll(view);
    await waitFor(() => {
      expect(names()).toContain("Customer 05000");
    });
    expect(screen.getAllByTestId("customer-row").length).toBeLessThan(100);
    expect(names()).not.toContain("Customer 00000");
  });

  it("keeps search, sort and scroll in the route, so Back to Customers restores them", async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => customer(i, { subscriptionCount: i % 7 }));
    mockBackend([signedIn()], "Admin", { customers: many });
    const first = render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    fireEvent.change(screen.getByTestId("customer-search"), { target: { value: "Customer 01" } });
    fireEvent.click(screen.getByTestId("sort-subscriptions"));
    fireEvent.click(screen.getByTestId("sort-subscriptions"));
    const view = screen.getByTestId("customer-table");
    await waitFor(() => {
      expect(screen.getByTestId("customer-count").textContent).toContain(`${formatCount(1000)} customers`);
    });
    view.scrollTop = 300 * 36;
    fireEvent.scroll(view);
    const before = names();
    // Opening a customer: the click writes the view into the entry being left.
    fireEvent.click(screen.getAllByTestId("customer-row")[2]?.querySelector("td:nth-child(3)") as HTMLElement);
    expect(window.location.hash).toMatch(/^#\/subscriptions\//);
    first.unmount();

    window.history.back();
    await waitFor(() => {
      expect(window.location.hash).toMatch(/^#\/customers\?/);
    });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    expect(screen.getByTestId<HTMLInputElement>("customer-search").value).toBe("Customer 01");
    expect(screen.getByTestId("sort-subscriptions").closest("th")?.getAttribute("aria-sort")).toBe("descending");
    expect(screen.getByTestId("customer-table").scrollTop).toBe(300 * 36);
    expect(names()).toEqual(before);
  });

  it("opens a customer's subscriptions on click, and on Enter after moving with the arrow keys", async () => {
    mockBackend([signedIn()], "Admin", { customers: few });
    render(<CustomersPage />);
    const rows = await screen.findAllByTestId("customer-row");
    fireEvent.click(rows[3]?.querySelector("td:nth-child(3)") as HTMLElement);
    expect(window.location.hash).toBe("#/subscriptions/a1/c-00001");

    window.location.hash = "#/customers";
    // The clicked row is the one in the Tab order now.
    expect(screen.getAllByTestId("customer-row").map((r) => r.tabIndex)).toEqual([-1, -1, -1, 0]);
    const first = screen.getAllByTestId("customer-row")[0] as HTMLElement;
    act(() => {
      first.focus();
    });
    fireEvent.keyDown(first, { key: "ArrowDown" });
    await waitFor(() => {
      expect(document.activeElement?.textContent).toContain("Contoso 9");
    });
    fireEvent.keyDown(document.activeElement as Element, { key: "End" });
    await waitFor(() => {
      expect(document.activeElement?.textContent).toContain("Northwind");
    });
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowUp" });
    await waitFor(() => {
      expect(document.activeElement?.textContent).toContain("Contoso 10");
    });
    fireEvent.keyDown(document.activeElement as Element, { key: "Enter" });
    expect(window.location.hash).toBe("#/subscriptions/a1/c-00003");
  });

  it("moves past the rendered window with the keyboard", async () => {
    mockBackend([signedIn()], "Admin", { customers: Array.from({ length: 1_000 }, (_, i) => customer(i)) });
    render(<CustomersPage />);
    const first = (await screen.findAllByTestId("customer-row"))[0] as HTMLElement;
    act(() => {
      first.focus();
    });
    fireEvent.keyDown(first, { key: "End" });
    await waitFor(() => {
      expect(document.activeElement?.textContent).toContain("Customer 00999");
    });
    expect(screen.getAllByTestId("customer-row").length).toBeLessThan(100);
  });

  it("says nothing is discovered yet and sends the user to Accounts", async () => {
    mockBackend([signedIn()]);
    render(<CustomersPage />);
    const empty = await screen.findByTestId("empty-state");
    expect(empty.textContent).toContain("Nothing discovered yet");
    expect(empty.textContent).toContain("run Discovery");
    expect(within(empty).getByRole("link", { name: "Accounts" }).getAttribute("href")).toBe("#/accounts");
  });

  it("creates an organization from the checked customers and shows it in the table", async () => {
    const backend = mockBackend([signedIn()], "Admin", { customers: few });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    const create = screen.getByTestId<HTMLButtonElement>("org-create");
    expect(create.disabled).toBe(true);

    fireEvent.click(screen.getByRole("checkbox", { name: "Select Contoso 9" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Select Contoso 10" }));
    expect(create.textContent).toBe("Create from 2 customers");
    expect(window.location.hash).toBe("#/customers");

    fireEvent.click(create);
    expect((await screen.findByTestId("org-error-name")).textContent).toContain("name");

    fireEvent.change(screen.getByTestId("org-name"), { target: { value: "Contoso Group" } });
    showColumn("organization");
    fireEvent.click(create);
    const org = await screen.findByTestId("org");
    expect(within(org).getByTestId("org-title").textContent).toBe("Contoso Group");
    expect(within(org).getAllByTestId("org-member").map((m) => m.textContent)).toEqual([
      expect.stringContaining("Contoso 10"),
      expect.stringContaining("Contoso 9"),
    ]);
    expect(backend.calls.filter((c) => c.cmd === "customers_create_organization").at(-1)?.args).toEqual({
      name: "Contoso Group",
      members: [
        { accountId: "a1", customerId: "c-00003" },
        { accountId: "a2", customerId: "c-00004" },
      ],
    });
    await waitFor(() => {
      expect(screen.getAllByTestId("customer-row")[1]?.textContent).toContain("Contoso Group");
    });
    // The checked customers were used up.
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "Select Contoso 9" }).checked).toBe(false);

    // A second organization with the same name is refused next to the name.
    fireEvent.click(screen.getByRole("checkbox", { name: "Select Adatum" }));
    fireEvent.change(screen.getByTestId("org-name"), { target: { value: "contoso group" } });
    fireEvent.click(create);
    expect((await screen.findByTestId("org-error-name")).textContent).toContain("already exists");

    // Add the checked one to the existing organization, remove a member, then delete.
    fireEvent.click(within(org).getByTestId("org-add"));
    await waitFor(() => {
      expect(within(screen.getByTestId("org")).getAllByTestId("org-member")).toHaveLength(3);
    });
    fireEvent.click(screen.getByRole("button", { name: "Remove Contoso 9 from Contoso Group" }));
    await waitFor(() => {
      expect(within(screen.getByTestId("org")).getAllByTestId("org-member")).toHaveLength(2);
    });
    fireEvent.click(screen.getByTestId("org-delete"));
    expect(backend.organizations).toHaveLength(1);
    fireEvent.click(screen.getByTestId("org-delete-confirm"));
    expect(await screen.findByTestId("organizations-empty")).toBeTruthy();
    expect(backend.organizations).toHaveLength(0);
  });

  it("shows a failed organization action next to it", async () => {
    const backend = mockBackend([signedIn()], "Admin", {
      customers: few,
      organizations: [{ id: "org-1", name: "Northwind", createdAt: "2026-11-01T00:00:00Z", members: [] }],
    });
    backend.failures.set("customers_delete_organization", { code: "Storage", message: "The database is busy: try again.", field: null });
    render(<CustomersPage />);
    const org = await screen.findByTestId("org");
    fireEvent.click(within(org).getByTestId("org-delete"));
    fireEvent.click(within(org).getByTestId("org-delete-confirm"));
    expect((await within(org).findByTestId("org-action-error")).textContent).toBe("The database is busy: try again.");
  });

  it("shows the markup in effect in its own column and links each customer to its markup editor", async () => {
    const backend = mockBackend([signedIn()], "Admin", {
      customers: [
        ...few.slice(0, 3),
        customer(4, { companyName: "Contoso 9", domain: "contoso9.com", accountId: "a2", accountName: "Fabrikam", organizationId: "org-1", organizationName: "Contoso Group" }),
      ],
      organizations: [{ id: "org-1", name: "Contoso Group", createdAt: "2026-11-01T00:00:00Z", members: [] }],
      today: "2026-11-21",
      markups: [
        { target: { kind: "customer", customer: { accountId: "a1", customerId: "c-00001" } }, term: { kind: "percent", percent: "12" }, effectiveFrom: "2026-10-01" },
        // Not yet in effect: Northwind still shows 12%.
        { target: { kind: "customer", customer: { accountId: "a1", customerId: "c-00001" } }, term: { kind: "percent", percent: "15" }, effectiveFrom: "2026-12-01" },
        { target: { kind: "customer", customer: { accountId: "a1", customerId: "c-00002" } }, term: { kind: "percent", percent: "-5.5" }, effectiveFrom: "2026-10-01" },
        { target: { kind: "organization", organization: "org-1" }, term: { kind: "percent", percent: "8" }, effectiveFrom: "2026-10-01" },
      ],
    });
    render(<CustomersPage />);
    await screen.findAllByTestId("customer-row");
    expect(backend.calls.some((c) => c.cmd === "customers_list_markups")).toBe(true);
    const markupOf = (name: string) =>
      within(screen.getAllByTestId("customer-row").find((r) => r.textContent.includes(name)) as HTMLElement).getByTestId("customer-markup");
    expect(markupOf("Northwind").textContent).toBe(formatPercent("12"));
    expect(markupOf("Northwind").closest("td")?.className).toBe("num");
    expect(markupOf("Northwind").getAttribute("href")).toBe("#/customers/a1/c-00001/markup");
    expect(markupOf("Adatum").textContent).toBe(formatPercent("-5.5"));
    expect(markupOf("Contoso 10").textContent).toBe("—");
    expect(markupOf("Contoso 10").getAttribute("aria-label")).toBe("Markup of Contoso 10: none");
    // A tenant without a markup of its own gets its organization's, and says so.
    expect(markupOf("Contoso 9").textContent).toBe(`${formatPercent("8")}org`);
    expect(markupOf("Contoso 9").getAttribute("aria-label")).toContain("from Contoso Group");
    expect(markupOf("Contoso 9").getAttribute("href")).toBe("#/customers/a2/c-00004/markup");

    // Following the link opens the editor, not the row's subscriptions.
    fireEvent.click(markupOf("Adatum"));
    expect(window.location.hash).toBe("#/customers");

    fireEvent.click(screen.getByTestId("sort-markup"));
    expect(names()).toEqual(["Adatum", "Contoso 9", "Northwind Traders", "Contoso 10No access"]);
    fireEvent.click(screen.getByTestId("sort-markup"));
    expect(names()).toEqual(["Northwind Traders", "Contoso 9", "Adatum", "Contoso 10No access"]);
  });
});
