import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { VirtualTable, type Column } from "./VirtualTable";
import { compareDecimal, compareText } from "./sort";
import { flushQuery, readQuery } from "../routing/urlState";
import { formatCount, formatMoney } from "../format";

interface Row {
  id: string;
  name: string;
  cost: string;
  currency: string;
  note: string;
}

const columns: Column<Row>[] = [
  { key: "name", header: "Name", width: 200, compare: (a, b) => compareText(a.name, b.name), cell: (r) => r.name },
  {
    key: "cost",
    header: "Cost",
    width: 120,
    numeric: true,
    compare: (a, b) => compareDecimal(a.cost, b.cost),
    money: (r) => ({ amount: r.cost, currency: r.currency }),
    cell: (r) => formatMoney(r.cost, r.currency),
  },
  { key: "note", header: "Note", width: 150, cell: (r) => r.note },
  { key: "id", header: "Id", width: 150, hidden: true, cell: (r) => r.id },
];

const mixed: Row[] = [
  { id: "1", name: "A", cost: "10360.00", currency: "EUR", note: "" },
  { id: "2", name: "B", cost: "8074.10", currency: "GBP", note: "" },
  { id: "3", name: "C", cost: "6378.00", currency: "USD", note: "" },
  { id: "4", name: "D", cost: "9000.05", currency: "USD", note: "" },
  { id: "5", name: "E", cost: "12.10", currency: "EUR", note: "" },
  { id: "6", name: "F", cost: "99999.99", currency: "GBP", note: "" },
  { id: "7", name: "G", cost: "0.10", currency: "EUR", note: "" },
];

function Grid({ rows, inUrl = false, id = "test-grid" }: { rows: readonly Row[]; inUrl?: boolean; id?: string }) {
  return (
    <VirtualTable
      caption="Test"
      testId={id}
      rowTestId="test-row"
      rows={rows}
      columns={columns}
      rowKey={(r) => r.id}
      initialSort={{ key: "name", direction: "ascending" }}
      empty="none"
      inUrl={inUrl}
    />
  );
}

const shownRows = () =>
  screen.getAllByTestId("test-row").map((tr) => ({
    name: tr.querySelector("td[data-col=name]")?.textContent,
    currency: mixed.find((r) => r.name === tr.querySelector("td[data-col=name]")?.textContent)?.currency,
  }));

/** Whether a currency's rows form one run, never split by another currency's. */
function grouped(currencies: readonly (string | undefined)[]): boolean {
  const done = new Set<string | undefined>();
  for (let i = 0; i < currencies.length; i++) {
    const c = currencies[i];
    if (i > 0 && currencies[i - 1] !== c) {
      if (done.has(c)) return false;
      done.add(currencies[i - 1]);
    }
  }
  return true;
}

beforeEach(() => {
  window.localStorage.clear();
  window.location.hash = "#/customers";
});

afterEach(() => {
  cleanup();
});

describe("the data grid", () => {
  it("sorts amounts within their currency, currencies grouped, in both directions", () => {
    render(<Grid rows={mixed} />);
    fireEvent.click(screen.getByTestId("sort-cost"));
    const up = shownRows();
    expect(up.map((r) => r.name)).toEqual(["G", "E", "A", "B", "F", "C", "D"]);
    expect(grouped(up.map((r) => r.currency))).toBe(true);
    fireEvent.click(screen.getByTestId("sort-cost"));
    const down = shownRows();
    expect(down.map((r) => r.name)).toEqual(["A", "E", "G", "F", "B", "D", "C"]);
    expect(grouped(down.map((r) => r.currency))).toBe(true);
  });

  it("adds up each currency exactly in a totals row, over the rows the filter leaves", () => {
    render(<Grid rows={mixed} />);
    const totals = () => screen.getByTestId("test-grid-totals");
    const row = (cur: string) => totals().querySelector(`tr[data-currency=${cur}]`);
    expect(totals().querySelectorAll("tr")).toHaveLength(3);
    expect(row("EUR")?.querySelector("td[data-col=cost]")?.textContent).toBe(formatMoney("10372.20", "EUR"));
    expect(row("GBP")?.querySelector("td[data-col=cost]")?.textContent).toBe(formatMoney("108074.09", "GBP"));
    expect(row("USD")?.querySelector("td[data-col=cost]")?.textContent).toBe(formatMoney("15378.05", "USD"));
    expect(row("USD")?.querySelector("td[data-col=name]")?.textContent).toContain("Total USD");
    expect(row("USD")?.querySelector("td[data-col=name]")?.textContent).toContain("2 rows");

    fireEvent.change(screen.getByTestId("test-grid-currency"), { target: { value: "EUR" } });
    expect(shownRows().map((r) => r.name)).toEqual(["A", "E", "G"]);
    expect(totals().querySelectorAll("tr")).toHaveLength(1);
    expect(row("EUR")?.querySelector("td[data-col=cost]")?.textContent).toBe(formatMoney("10372.20", "EUR"));
  });

  it("has no currency filter when every amount is in one currency, and ignores a currency no row has", () => {
    window.location.hash = "#/customers?cur=GBP";
    render(<Grid rows={mixed.filter((r) => r.currency === "USD")} inUrl />);
    expect(screen.getAllByTestId("test-row")).toHaveLength(2);
    expect(screen.queryByTestId("test-grid-currency")).toBeNull();
    expect(screen.getByTestId("test-grid-totals").querySelectorAll("tr")).toHaveLength(1);
  });

  it("pins the first column", () => {
    render(<Grid rows={mixed} />);
    const first = screen.getAllByTestId("test-row")[0]?.querySelector("td[data-col=name]") as HTMLElement;
    expect(first.className).toContain("pin");
    expect(first.style.left).toBe("0px");
    const cost = screen.getAllByTestId("test-row")[0]?.querySelector("td[data-col=cost]") as HTMLElement;
    expect(cost.className).not.toContain("pin");
  });

  it("shows and hides columns from the chooser and remembers it per table", () => {
    const { unmount } = render(<Grid rows={mixed} />);
    const chooser = screen.getByTestId("test-grid-columns");
    expect(document.querySelector("td[data-col=id]")).toBeNull();
    fireEvent.click(within(chooser).getByTestId("column-id"));
    fireEvent.click(within(chooser).getByTestId("column-note"));
    expect(document.querySelector("td[data-col=id]")).not.toBeNull();
    expect(document.querySelector("td[data-col=note]")).toBeNull();
    unmount();

    render(<Grid rows={mixed} />);
    expect(document.querySelector("td[data-col=id]")).not.toBeNull();
    expect(document.querySelector("td[data-col=note]")).toBeNull();
    cleanup();

    // Another table keeps its own layout.
    render(<Grid rows={mixed} id="other-grid" />);
    expect(document.querySelector("td[data-col=id]")).toBeNull();
    expect(document.querySelector("td[data-col=note]")).not.toBeNull();
  });

  it("resizes a column and remembers its width; Reset brings the defaults back", () => {
    const { unmount } = render(<Grid rows={mixed} />);
    const handle = screen.getByTestId("resize-cost");
    fireEvent.keyDown(handle, { key: "ArrowRight" });
    fireEvent.keyDown(screen.getByTestId("resize-cost"), { key: "ArrowRight" });
    expect((document.querySelector("col[data-col=cost]") as HTMLElement).style.width).toBe("140px");
    unmount();
    render(<Grid rows={mixed} />);
    expect((document.querySelector("col[data-col=cost]") as HTMLElement).style.width).toBe("140px");
    // A drag with the mouse.
    fireEvent.mouseDown(screen.getByTestId("resize-name"), { clientX: 100 });
    fireEvent.mouseMove(window, { clientX: 60 });
    fireEvent.mouseUp(window);
    expect((document.querySelector("col[data-col=name]") as HTMLElement).style.width).toBe("160px");
    fireEvent.click(screen.getByText("Reset columns and widths"));
    expect((document.querySelector("col[data-col=cost]") as HTMLElement).style.width).toBe("120px");
    expect(window.localStorage.getItem("cspdesk.grid.test-grid")).toBeNull();
  });

  it("renders a window of 10,000 rows and totals all of them", () => {
    const many: Row[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: String(i),
      name: `Customer ${String(i)}`,
      cost: "0.01",
      currency: i % 2 === 0 ? "EUR" : "USD",
      note: "",
    }));
    render(<Grid rows={many} />);
    expect(screen.getAllByTestId("test-row").length).toBeLessThan(60);
    const totals = screen.getByTestId("test-grid-totals");
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=cost]")?.textContent).toBe(formatMoney("50.00", "EUR"));
    expect(totals.querySelector("tr[data-currency=USD] td[data-col=name]")?.textContent).toContain(`${formatCount(5000)} rows`);
  });

  it("keeps its sort, currency and scroll position in the route when asked to", () => {
    window.location.hash = "#/customers?sort=cost.descending&cur=GBP&top=0";
    const { unmount } = render(<Grid rows={mixed} inUrl />);
    expect(shownRows().map((r) => r.name)).toEqual(["F", "B"]);
    fireEvent.change(screen.getByTestId("test-grid-currency"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("sort-name"));
    flushQuery();
    expect(readQuery().get("sort")).toBeNull(); // the initial sort is left out
    expect(readQuery().get("cur")).toBeNull();
    fireEvent.click(screen.getByTestId("sort-name"));
    fireEvent.scroll(screen.getByTestId("test-grid"), { target: { scrollTop: 720 } });
    flushQuery();
    expect(readQuery().get("sort")).toBe("name.descending");
    expect(readQuery().get("top")).toBe("720");
    expect(window.location.hash.startsWith("#/customers?")).toBe(true);
    unmount();

    render(<Grid rows={mixed} inUrl />);
    expect(shownRows().map((r) => r.name)).toEqual(["G", "F", "E", "D", "C", "B", "A"]);
    expect(screen.getByTestId("test-grid").scrollTop).toBe(720);
  });
});

describe("totals per currency", () => {
  it("make no row for rows without any amount", async () => {
    const { totalsByCurrency } = await import("./totals");
    const rows = [
      { id: "1", name: "A", cost: "1.10", currency: "EUR", note: "" },
      { id: "2", name: "B", cost: "", currency: "", note: "" },
    ];
    const money = (r: Row) => (r.cost === "" ? null : { amount: r.cost, currency: r.currency });
    const totals = totalsByCurrency(rows, (r) => money(r)?.currency ?? "", [{ key: "cost", money }]);
    expect(totals).toEqual([{ currency: "EUR", rows: 1, sums: { cost: "1.10" } }]);
  });
});
