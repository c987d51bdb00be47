import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { MarkupPage } from "./MarkupPage";
import { App } from "../../App";
import { clearMocks, mockBackend, type MockMarkupChange, type MockRatedCost } from "../../test/ipcMock";
import { customer, signedIn } from "../../test/fixtures";
import { formatDateTime, formatDay, formatMoney, formatMonth, formatPercent, todayIso } from "../../format";
import type { MarkupTargetDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const northwind: MarkupTargetDto = { kind: "customer", customer: { accountId: "a1", customerId: "c-00001" } };
const customers = [
  customer(1, { companyName: "Northwind Traders", organizationId: "org-1", organizationName: "Northwind Group", currency: "EUR" }),
  customer(2, { companyName: "Adatum" }),
];
const organizations = [{ id: "org-1", name: "Northwind Group", createdAt: "2026-11-01T00:00:00Z", members: [] }];

const history: MockMarkupChange[] = [
  { target: northwind, term: { kind: "percent", percent: "10" }, effectiveFrom: "2026-10-01", createdAt: "2026-09-28T08:00:00Z" },
  { target: northwind, term: { kind: "categoryPercent", category: "Virtual Machines", percent: "5" }, effectiveFrom: "2026-10-01", createdAt: "2026-09-28T08:00:00Z" },
  { target: northwind, term: { kind: "categoryPercent", category: "Storage", percent: "-2.5" }, effectiveFrom: "2026-11-01", createdAt: "2026-10-30T08:00:00Z" },
  { target: northwind, term: { kind: "monthlyFee", fee: "50.00" }, effectiveFrom: "2026-11-01", createdAt: "2026-10-30T08:00:00Z" },
  { target: northwind, term: { kind: "percent", percent: "12" }, effectiveFrom: "2026-12-01", createdAt: "2026-11-20T08:00:00Z" },
];

const rated: MockRatedCost[] = [
  { customer: northwind.customer, period: "2026-09", currency: "EUR", cost: "1000.00" },
  { customer: northwind.customer, period: "2026-10", currency: "EUR", cost: "200.50" },
];

function backend(over: { markups?: MockMarkupChange[]; access?: "Admin" | "Finance"; rated?: MockRatedCost[] } = {}) {
  return mockBackend([signedIn()], over.access ?? "Admin", {
    customers,
    organizations,
    markups: over.markups ?? history,
    rated: over.rated ?? rated,
    today: "2026-11-21",
  });
}

const input = (testId: string) => screen.getByTestId<HTMLInputElement>(testId);
const lastSet = (b: ReturnType<typeof backend>) => b.calls.filter((c) => c.cmd === "customers_set_markup").at(-1)?.args;
/** Save states the effect first; the confirmation applies it. */
async function saveConfirmed() {
  fireEvent.click(screen.getByTestId("markup-save"));
  fireEvent.click(await screen.findByTestId("markup-confirm-save"));
}
const lastPreview = (b: ReturnType<typeof backend>) => b.calls.filter((c) => c.cmd === "customers_preview_markup").at(-1)?.args;

describe("Markup editor", () => {
  it("shows the terms in effect today and the full history, newest first", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    const current = await screen.findByTestId("markup-current");
    expect(screen.getByTestId("markup-title").textContent).toBe("Markup of Northwind Traders");
    expect(b.calls.find((c) => c.cmd === "customers_get_markup")?.args).toEqual({ target: northwind });
    // 12% starts next month: today it is still 10%.
    expect(within(current).getByTestId("markup-current-percent").textContent).toBe(formatPercent("10"));
    expect(within(current).getByTestId("markup-current-fee").textContent).toBe(formatMoney("50.00", "EUR"));
    const categories = within(current).getAllByTestId("markup-current-category");
    expect(categories.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["Storage", formatPercent("-2.5")],
      ["Virtual Machines", formatPercent("5")],
    ]);
    expect(categories[0]?.querySelector("td:last-child")?.className).toBe("num");

    const rows = screen.getAllByTestId("markup-history-row");
    expect(rows).toHaveLength(5);
    const cells = (r: HTMLElement) => [...r.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells(rows[0] as HTMLElement)).toEqual([
      `${formatDay("2026-12-01")}upcoming`,
      "Percentage",
      formatPercent("12"),
      formatDateTime("2026-11-20T08:00:00Z"),
    ]);
    expect(cells(rows[4] as HTMLElement)).toEqual([
      formatDay("2026-10-01"),
      "Percentage",
      formatPercent("10"),
      formatDateTime("2026-09-28T08:00:00Z"),
    ]);
    expect(rows[0]?.querySelector("td:nth-child(3)")?.className).toBe("num");
    expect(screen.getByTestId("markup-history").textContent).toContain("Monthly fee");

    // Nothing is previewed until asked.
    expect(screen.getByTestId("markup-preview")).toBeTruthy();
    expect(screen.queryByTestId("markup-preview-table")).toBeNull();
    // Every input has a label.
    for (const el of screen.getByTestId("markup-form").querySelectorAll("input")) {
      expect(el.labels?.length ?? 0).toBeGreaterThan(0);
    }
    expect(input("markup-effective-from").type).toBe("date");
    expect(input("markup-effective-from").value).toBe(todayIso());
    expect(screen.getByTestId("markup-subscriptions").getAttribute("href")).toBe("#/subscriptions/a1/c-00001");
  });

  it("previews the change on the last closed months, before and after, without saving", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    // Today: 10% and a 50.00 fee. Proposed: 20% and a 60.00 fee.
    fireEvent.change(input("markup-percent"), { target: { value: "20" } });
    fireEvent.change(input("markup-fee"), { target: { value: "60.00" } });
    fireEvent.change(input("markup-effective-from"), { target: { value: "2026-10-01" } });
    fireEvent.click(screen.getByTestId("markup-preview-run"));

    const table = await screen.findByTestId("markup-preview-table");
    const rows = within(table).getAllByTestId("markup-preview-row");
    const cells = (r: HTMLElement) => [...r.querySelectorAll("th, td")].map((c) => c.textContent);
    expect(rows.map((r) => cells(r))).toEqual([
      [
        `${formatMonth("2026-09")}1 customer`,
        formatMoney("1000.00", "EUR"),
        formatMoney("1150.00", "EUR"),
        `${formatMoney("1260.00", "EUR")}+${formatMoney("110.00", "EUR")}`,
        `${formatMoney("260.00", "EUR")}now ${formatMoney("150.00", "EUR")}`,
      ],
      [
        `${formatMonth("2026-10")}1 customer`,
        formatMoney("200.50", "EUR"),
        formatMoney("270.55", "EUR"),
        `${formatMoney("300.60", "EUR")}+${formatMoney("30.05", "EUR")}`,
        `${formatMoney("100.10", "EUR")}now ${formatMoney("70.05", "EUR")}`,
      ],
    ]);
    expect(rows[0]?.querySelector("td:nth-child(3)")?.className).toBe("num");
    // The same figures are what Save states before it applies.
    fireEvent.click(screen.getByTestId("markup-save"));
    const confirm = await screen.findByTestId("markup-confirm");
    expect(screen.getByTestId("markup-confirm-save").textContent).toBe(`Save: ${formatMonth("2026-10")} resale +${formatMoney("30.05", "EUR")}`);
    expect(confirm.textContent).toContain(`monthly fee ${formatMoney("60.00", "EUR")}`);
    expect(document.activeElement).toBe(screen.getByTestId("markup-confirm-save"));
    fireEvent.click(screen.getByTestId("markup-confirm-cancel"));
    expect(screen.queryByTestId("markup-confirm")).toBeNull();
    // Starting after the previewed months, Save says those months keep their resale.
    fireEvent.change(input("markup-effective-from"), { target: { value: "2026-12-01" } });
    fireEvent.click(screen.getByTestId("markup-save"));
    expect((await screen.findByTestId("markup-confirm-text")).textContent).toContain(
      `It starts after the last closed month (${formatMonth("2026-10")}), which keeps its resale`,
    );
    expect(screen.getByTestId("markup-confirm-save").textContent).toBe("Save");
    fireEvent.click(screen.getByTestId("markup-confirm-cancel"));
    // Nothing saved, and the form keeps what was typed.
    expect(b.markups).toHaveLength(5);
    expect(b.calls.some((c) => c.cmd === "customers_set_markup")).toBe(false);
    expect(input("markup-percent").value).toBe("20");
    // Editing the terms drops the preview: it would show other terms.
    fireEvent.change(input("markup-percent"), { target: { value: "21" } });
    expect(screen.queryByTestId("markup-preview-table")).toBeNull();
  });

  it("says when nothing is rated yet", async () => {
    backend({ rated: [] });
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.change(input("markup-percent"), { target: { value: "20" } });
    fireEvent.click(screen.getByTestId("markup-preview-run"));
    expect((await screen.findByTestId("markup-preview-empty")).textContent).toBe(
      "Nothing is rated for the last closed months yet: run Discovery and cspdesk rate",
    );
    expect(screen.queryByTestId("markup-preview-table")).toBeNull();
  });

  it("previews exactly the terms Save would send, with the same errors", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.change(input("markup-percent"), { target: { value: " 12.50 " } });
    fireEvent.click(screen.getByRole("button", { name: "Remove the Storage override" }));
    fireEvent.change(screen.getByLabelText("New percentage for Virtual Machines"), { target: { value: "7" } });
    fireEvent.click(screen.getByTestId("markup-override-add"));
    fireEvent.change(screen.getByTestId("markup-new-category"), { target: { value: " Networking " } });
    fireEvent.change(screen.getByTestId("markup-new-category-percent"), { target: { value: "-3" } });
    fireEvent.change(input("markup-fee"), { target: { value: "75.00" } });
    fireEvent.change(input("markup-effective-from"), { target: { value: "2026-11-15" } });
    fireEvent.click(screen.getByTestId("markup-preview-run"));
    await screen.findByTestId("markup-preview-table");
    const previewed = lastPreview(b);
    expect(previewed).toEqual({
      target: northwind,
      terms: [
        { kind: "percent", percent: "12.50" },
        { kind: "categoryPercent", category: "Storage", percent: null },
        { kind: "categoryPercent", category: "Virtual Machines", percent: "7" },
        { kind: "categoryPercent", category: "Networking", percent: "-3" },
        { kind: "monthlyFee", fee: "75.00" },
      ],
      effectiveFrom: "2026-11-15",
    });
    await saveConfirmed();
    await waitFor(() => {
      expect(lastSet(b)).toBeDefined();
    });
    expect(lastSet(b)).toEqual(previewed);

    // A field error lands by its field; a form-wide one by the Preview button.
    fireEvent.change(input("markup-fee"), { target: { value: "50,00" } });
    fireEvent.click(screen.getByTestId("markup-preview-run"));
    expect((await screen.findByTestId("markup-error-fee")).textContent).toContain('"50,00"');
    expect(document.activeElement).toBe(input("markup-fee"));
    fireEvent.change(input("markup-fee"), { target: { value: "" } });
    fireEvent.change(input("markup-percent"), { target: { value: "-101" } });
    fireEvent.click(screen.getByTestId("markup-preview-run"));
    expect((await screen.findByTestId("markup-preview-error")).textContent).toContain("-100 or more");
    expect(screen.queryByTestId("markup-preview-table")).toBeNull();
  });

  it("says when there is no markup yet", async () => {
    backend({ markups: [] });
    render(<MarkupPage target={{ kind: "customer", customer: { accountId: "a1", customerId: "c-00002" } }} />);
    expect((await screen.findByTestId("markup-current-none")).textContent).toContain("Adatum");
    expect(screen.getByTestId("markup-current-percent").textContent).toBe("—");
    expect(screen.getByTestId("markup-history-empty")).toBeTruthy();
  });

  it("saves exactly the terms typed, trimmed, from the chosen day, and shows the result", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.change(input("markup-percent"), { target: { value: " 12.50 " } });
    fireEvent.change(screen.getByLabelText("New percentage for Virtual Machines"), { target: { value: "7" } });
    fireEvent.click(screen.getByTestId("markup-override-add"));
    expect(document.activeElement).toBe(screen.getByTestId("markup-new-category"));
    fireEvent.change(screen.getByTestId("markup-new-category"), { target: { value: " Networking " } });
    fireEvent.change(screen.getByTestId("markup-new-category-percent"), { target: { value: "-3" } });
    fireEvent.change(input("markup-fee"), { target: { value: "75.00" } });
    fireEvent.change(input("markup-effective-from"), { target: { value: "2026-11-15" } });
    await saveConfirmed();

    await waitFor(() => {
      expect(screen.getByTestId("markup-saved").textContent).toContain(formatDay("2026-11-15"));
    });
    expect(lastSet(b)).toEqual({
      target: northwind,
      terms: [
        { kind: "percent", percent: "12.50" },
        { kind: "categoryPercent", category: "Virtual Machines", percent: "7" },
        { kind: "categoryPercent", category: "Networking", percent: "-3" },
        { kind: "monthlyFee", fee: "75.00" },
      ],
      effectiveFrom: "2026-11-15",
    });
    // The page reads the markup again: in effect today, with the new changes in the history.
    await waitFor(() => {
      expect(screen.getByTestId("markup-current-percent").textContent).toBe(formatPercent("12.50"));
    });
    expect(screen.getByTestId("markup-current-fee").textContent).toBe(formatMoney("75.00", "EUR"));
    expect(screen.getAllByTestId("markup-current-category").map((r) => r.querySelector("td")?.textContent)).toEqual([
      "Networking",
      "Storage",
      "Virtual Machines",
    ]);
    expect(screen.getAllByTestId("markup-history-row")).toHaveLength(9);
    // The form is ready for the next change.
    expect(input("markup-percent").value).toBe("");
    expect(input("markup-fee").value).toBe("");
    expect(screen.queryByTestId("markup-new-override")).toBeNull();
  });

  it("treats a second change of a term on the same day as a correction", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    for (const percent of ["15", "14"]) {
      fireEvent.change(input("markup-percent"), { target: { value: percent } });
      fireEvent.change(input("markup-effective-from"), { target: { value: "2026-11-10" } });
      await saveConfirmed();
      await waitFor(() => {
        expect(screen.getByTestId("markup-current-percent").textContent).toBe(formatPercent(percent));
      });
    }
    expect(b.markups.filter((m) => m.effectiveFrom === "2026-11-10")).toHaveLength(1);
    expect(screen.getAllByTestId("markup-history-row")).toHaveLength(6);
  });

  it("shows a validation error next to the field the backend names", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.change(input("markup-percent"), { target: { value: "twelve" } });
    fireEvent.click(screen.getByTestId("markup-save"));
    const error = await screen.findByTestId("markup-error-percent");
    expect(error.textContent).toContain("is not a decimal number");
    expect(input("markup-percent").getAttribute("aria-invalid")).toBe("true");
    expect(input("markup-percent").getAttribute("aria-describedby")).toBe(error.id);
    expect(document.activeElement).toBe(input("markup-percent"));
    expect(screen.queryByTestId("markup-error-fee")).toBeNull();
    expect(b.markups).toHaveLength(5);
    // Typing again clears it.
    fireEvent.change(input("markup-percent"), { target: { value: "12" } });
    expect(screen.queryByTestId("markup-error-percent")).toBeNull();

    fireEvent.change(input("markup-fee"), { target: { value: "50,00" } });
    fireEvent.click(screen.getByTestId("markup-save"));
    expect((await screen.findByTestId("markup-error-fee")).textContent).toContain('"50,00"');

    fireEvent.change(input("markup-fee"), { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("New percentage for Storage"), { target: { value: "lots" } });
    fireEvent.click(screen.getByTestId("markup-save"));
    expect((await screen.findByTestId("markup-error-categoryPercent")).textContent).toContain('"lots"');

    // A rule on the markup as a whole (here: a discount beyond 100%) shows by Save.
    fireEvent.change(screen.getByLabelText("New percentage for Storage"), { target: { value: "" } });
    fireEvent.change(input("markup-percent"), { target: { value: "-101" } });
    fireEvent.click(screen.getByTestId("markup-save"));
    expect((await screen.findByTestId("markup-error")).textContent).toContain("-100 or more");
    expect(b.markups).toHaveLength(5);
  });

  it("asks for a day before sending anything", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.change(input("markup-percent"), { target: { value: "12" } });
    fireEvent.change(input("markup-effective-from"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("markup-save"));
    expect((await screen.findByTestId("markup-error-effectiveFrom")).textContent).toContain("first day");
    expect(lastSet(b)).toBeUndefined();
  });

  it("removes a category override, and can keep it after all", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.click(screen.getByRole("button", { name: "Remove the Storage override" }));
    expect(screen.getByTestId("markup-override-removed").textContent).toContain("Removed when you save");
    // The keyboard stays on the override: Remove turns into Keep, Keep back into the input.
    const keep = screen.getByRole("button", { name: "Keep the Storage override" });
    expect(document.activeElement).toBe(keep);
    fireEvent.click(keep);
    expect(screen.queryByTestId("markup-override-removed")).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText("New percentage for Storage"));
    fireEvent.click(screen.getByRole("button", { name: "Remove the Virtual Machines override" }));
    fireEvent.change(input("markup-effective-from"), { target: { value: "2026-11-21" } });
    await saveConfirmed();

    await waitFor(() => {
      expect(screen.getAllByTestId("markup-current-category").map((r) => r.querySelector("td")?.textContent)).toEqual([
        "Storage",
      ]);
    });
    expect(lastSet(b)).toEqual({
      target: northwind,
      terms: [{ kind: "categoryPercent", category: "Virtual Machines", percent: null }],
      effectiveFrom: "2026-11-21",
    });
    // Newest first by day: December's upcoming 12%, then today's removal.
    expect(screen.getAllByTestId("markup-history-row")[1]?.textContent).toContain("Virtual Machines override removed");
  });

  it("discards a new override row before saving", async () => {
    const b = backend();
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.click(screen.getByTestId("markup-override-add"));
    fireEvent.change(screen.getByTestId("markup-new-category"), { target: { value: "Networking" } });
    fireEvent.click(screen.getByRole("button", { name: "Discard new override 1" }));
    expect(screen.queryByTestId("markup-new-override")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("markup-override-add"));
    fireEvent.change(input("markup-percent"), { target: { value: "9" } });
    await saveConfirmed();
    await waitFor(() => {
      expect(lastSet(b)).toBeDefined();
    });
    expect((lastSet(b) as { terms: unknown }).terms).toEqual([{ kind: "percent", percent: "9" }]);
  });

  it("is read-only for finance users", async () => {
    backend({ access: "Finance" });
    render(<MarkupPage target={northwind} />);
    expect((await screen.findByTestId("markup-read-only")).textContent).toContain("partner admin");
    expect(screen.getByTestId<HTMLButtonElement>("markup-save").disabled).toBe(true);
    expect(input("markup-percent").closest("fieldset")?.disabled).toBe(true);
    // The history stays readable.
    expect(screen.getAllByTestId("markup-history-row")).toHaveLength(5);
  });

  it("shows a refusal without a field by the Save button", async () => {
    const b = backend();
    b.failures.set("customers_set_markup", { code: "Forbidden", message: "Changing markups needs a partner admin.", field: null });
    render(<MarkupPage target={northwind} />);
    await screen.findByTestId("markup-form");
    fireEvent.change(input("markup-percent"), { target: { value: "12" } });
    await saveConfirmed();
    expect((await screen.findByTestId("markup-error")).textContent).toBe("Changing markups needs a partner admin.");
    expect(screen.getByTestId("markup-saved").textContent).toBe("");
    // What was typed stays, to try again.
    expect(input("markup-percent").value).toBe("12");
  });

  it("shows a customer that is not discovered as an error, not an empty markup", async () => {
    backend();
    render(<MarkupPage target={{ kind: "customer", customer: { accountId: "a1", customerId: "nobody" } }} />);
    expect((await screen.findByTestId("markup-load-error")).textContent).toContain("not in the database");
  });

  it("opens an organization's markup from the Organizations panel and saves it", async () => {
    const b = backend({ markups: [{ target: { kind: "organization", organization: "org-1" }, term: { kind: "percent", percent: "8" }, effectiveFrom: "2026-01-01" }] });
    window.location.hash = "#/customers";
    render(<App />);
    const link = await screen.findByTestId("org-markup");
    expect(link.textContent).toBe(`Markup ${formatPercent("8")}`);
    expect(link.getAttribute("href")).toBe("#/customers/organizations/org-1/markup");

    window.location.hash = link.getAttribute("href") ?? "";
    await waitFor(() => {
      expect(screen.getByTestId("markup-title").textContent).toBe("Markup of Northwind Group");
    });
    expect(screen.getByTestId("nav-customers").getAttribute("aria-current")).toBe("page");
    expect(screen.queryByTestId("markup-subscriptions")).toBeNull();
    fireEvent.change(input("markup-fee"), { target: { value: "20" } });
    fireEvent.change(input("markup-effective-from"), { target: { value: "2026-11-01" } });
    await saveConfirmed();
    await waitFor(() => {
      expect(screen.getByTestId("markup-current-fee").textContent).toBe(formatMoney("20", "EUR"));
    });
    expect(lastSet(b)).toEqual({
      target: { kind: "organization", organization: "org-1" },
      terms: [{ kind: "monthlyFee", fee: "20" }],
      effectiveFrom: "2026-11-01",
    });
  });

  it("opens from a deep link", async () => {
    backend();
    window.location.hash = "#/customers/a1/c-00001/markup";
    render(<App />);
    await waitFor(() => {
      expect(screen.getByTestId("markup-title").textContent).toBe("Markup of Northwind Traders");
    });
    expect(screen.getByTestId("markup-back").getAttribute("href")).toBe("#/customers");
  });
});
