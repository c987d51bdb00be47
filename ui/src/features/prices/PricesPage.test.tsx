import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { pricesMock, resetPricesMock } from "../../test/pricesMock";
import { signedIn } from "../../test/fixtures";
import { flushQuery } from "../../routing/urlState";
import type { MeterHistoryDto, SheetDto, SheetRowDto } from "../../ipc";

const account = signedIn();
const METER = "cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});
beforeEach(() => {
  resetPricesMock();
});

const sheet = (id: number, month: string, over: Partial<SheetDto> = {}): SheetDto => ({
  id,
  view: "azure_consumption",
  market: "US",
  month,
  timeline: "history",
  rows: 3,
  setAside: 0,
  readAt: "2026-11-02T08:00:00Z",
  fileName: null,
  ...over,
});

const row = (key: number, product: string, meterId: string, tierMin: string, price: string): SheetRowDto => ({
  key,
  line: key + 1,
  meterId,
  productId: "DZH318Z0C16V",
  product,
  skuId: "001J",
  sku: `${product} meter`,
  unit: "1 GB/Month",
  meterType: "1 GB/Month",
  term: "payG-1",
  tierMin,
  tierMax: tierMin === "0" ? "100" : null,
  unitPrice: price,
  currency: "USD",
  effectiveStart: "2018-03-01",
  effectiveEnd: null,
});

/** The figures of the api test's fixture (crates/api/tests/api/prices.rs), worked out by hand there. */
const history: MeterHistoryDto = {
  meterId: METER,
  product: "Storage",
  sku: "Hot LRS",
  unit: "1 GB/Month",
  currencies: ["EUR", "GBP"],
  prices: [
    { month: "2026-09", market: "US", tierMin: "0", tierMax: "100", unitPrice: "1.00", currency: "USD", changePercent: null, converted: [{ currency: "EUR", rate: "0.8", price: "0.8" }, { currency: "GBP", rate: "0.769230769231", price: "0.769231" }] },
    { month: "2026-09", market: "US", tierMin: "100", tierMax: null, unitPrice: "0.80", currency: "USD", changePercent: null, converted: [{ currency: "EUR", rate: "0.8", price: "0.64" }, { currency: "GBP", rate: "0.769230769231", price: "0.615385" }] },
    { month: "2026-10", market: "US", tierMin: "0", tierMax: "100", unitPrice: "1.10", currency: "USD", changePercent: "10.00", converted: [{ currency: "EUR", rate: "0.625", price: "0.6875" }, { currency: "GBP", rate: null, price: null }] },
    { month: "2026-10", market: "US", tierMin: "100", tierMax: null, unitPrice: "0.90", currency: "USD", changePercent: "12.50", converted: [{ currency: "EUR", rate: "0.625", price: "0.5625" }, { currency: "GBP", rate: null, price: null }] },
  ],
};

function held() {
  pricesMock.sheets = [sheet(2, "2026-10", { fileName: "oct.csv" }), sheet(1, "2026-09")];
  pricesMock.rows.set(2, [row(1, "Storage", METER, "0", "1.10"), row(2, "Storage", METER, "100", "0.90"), row(3, "bandwidth", "m-net", "0", "0.087")]);
  pricesMock.rows.set(1, [row(1, "Storage", METER, "0", "1.00")]);
  pricesMock.meters.set(METER, history);
  pricesMock.fx = {
    billing: ["EUR"],
    currencies: ["EUR", "GBP"],
    months: [
      { month: "2026-10", readAt: "2026-11-02T08:00:00Z", rated: false, rates: [{ currency: "EUR", usdPerUnit: "1.6", perUsd: "0.625" }] },
      {
        month: "2026-09",
        readAt: "2026-10-02T08:00:00Z",
        rated: true,
        rates: [
          { currency: "EUR", usdPerUnit: "1.25", perUsd: "0.8" },
          { currency: "GBP", usdPerUnit: "1.3", perUsd: "0.769230769231" },
        ],
      },
    ],
  };
}

describe("Prices page", () => {
  it("says how to get price sheets when none is held", async () => {
    mockBackend([account]);
    window.location.hash = "#/prices";
    render(<App />);
    const empty = await screen.findByTestId("prices-empty");
    expect(empty.textContent).toContain("No price sheets yet");
    expect(empty.textContent).toContain("Pricing API consent");
    expect(empty.textContent).toContain("cspdesk prices import");
    expect(screen.getByTestId("nav-prices").getAttribute("aria-current")).toBe("page");
  });

  it("lists the sheets with where they came from and shows the newest one's rows, searched by the backend", async () => {
    mockBackend([account]);
    held();
    window.location.hash = "#/prices";
    render(<App />);
    const list = await screen.findByTestId("sheet-table");
    const sheets = within(list).getAllByTestId("sheet-row");
    expect(sheets.map((r) => r.textContent)).toEqual([
      expect.stringContaining("file oct.csv"),
      expect.stringContaining("Pricing API"),
    ]);
    expect(await screen.findByTestId("price-count")).toHaveProperty("textContent", "3 rows");
    const rows = within(screen.getByTestId("price-table")).getAllByTestId("price-row");
    expect(rows[0]?.textContent).toContain("1.1 USD");
    expect(rows[0]?.textContent).toContain("0 – 100");
    expect(rows[1]?.textContent).toContain("100 and up");

    fireEvent.change(screen.getByTestId("price-search"), { target: { value: "band" } });
    await waitFor(() => {
      expect(screen.getByTestId("price-count").textContent).toBe("1 row of 3");
    });

    // The September sheet, by its row in the list.
    fireEvent.click(within(sheets[1] as HTMLElement).getByRole("button"));
    await waitFor(() => {
      expect(screen.getByRole("heading", { level: 2, name: /Sep 2026/ })).toBeTruthy();
    });
    flushQuery();
    expect(window.location.hash).toContain("month=2026-09");
  });

  it("opens a meter's history from a row: a line per tier, each month's price, change and converted prices", async () => {
    mockBackend([account]);
    held();
    window.location.hash = "#/prices";
    render(<App />);
    await screen.findByTestId("price-count");
    const first = within(screen.getByTestId("price-table")).getAllByTestId("price-row")[0] as HTMLElement;
    fireEvent.keyDown(first, { key: "Enter" });
    const table = await screen.findByTestId("meter-history");
    expect(screen.getAllByTestId("price-series")).toHaveLength(2);
    expect(screen.getAllByTestId("price-point")).toHaveLength(4);
    const lines = within(table).getAllByTestId("meter-price");
    const cell = (i: number, col: string) => lines[i]?.querySelector(`[data-col="${col}"]`)?.textContent;
    expect(cell(0, "price")).toBe("1 USD");
    expect(cell(0, "change")).toBe("—");
    expect(cell(0, "rate-GBP")).toBe("0.769230769231");
    expect(cell(0, "price-GBP")).toBe("0.769231 GBP");
    expect(cell(2, "price")).toBe("1.1 USD");
    expect(cell(2, "change")).toBe("+10%");
    expect(cell(2, "price-EUR")).toBe("0.6875 EUR");
    expect(cell(2, "rate-GBP")).toBe("no rate");
    expect(cell(3, "change")).toBe("+12.5%");
    flushQuery();
    expect(window.location.hash).toContain("tab=meter");
    expect(window.location.hash).toContain(`meter=${METER}`);
  });

  it("opens a meter from a deep link and names an unknown one", async () => {
    mockBackend([account]);
    held();
    window.location.hash = `#/prices?tab=meter&meter=${METER}`;
    render(<App />);
    expect((await screen.findByTestId("meter-name")).textContent).toContain("Hot LRS");
    fireEvent.change(screen.getByTestId("meter-id"), { target: { value: "nope" } });
    fireEvent.click(screen.getByTestId("meter-show"));
    expect((await screen.findByTestId("meter-error")).textContent).toContain("check the meter id");
  });

  it("shows the FX rates per currency and month, billing currencies first and the months rating used marked", async () => {
    mockBackend([account]);
    held();
    window.location.hash = "#/prices?tab=fx";
    render(<App />);
    const table = await screen.findByTestId("fx-table");
    const rows = within(table).getAllByTestId("fx-row");
    expect(rows.map((r) => r.getAttribute("data-currency"))).toEqual(["EUR", "GBP"]);
    expect(rows[0]?.textContent).toContain("0.625");
    expect(rows[1]?.textContent).toContain("—");
    expect(rows[1]?.textContent).toContain("0.769230769231");
    const headers = within(table).getAllByRole("columnheader");
    expect(headers[2]?.textContent).toContain("rated");
    expect(headers[1]?.textContent).not.toContain("rated");
  });
});
