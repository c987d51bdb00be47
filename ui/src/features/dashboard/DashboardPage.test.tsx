import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { signedIn } from "../../test/fixtures";
import { formatMoney } from "../../format";
import type { CurrencyDashboardDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const view = (currency: string, over: Partial<CurrencyDashboardDto> = {}): CurrencyDashboardDto => ({
  currency,
  months: [
    { period: "2026-10", cost: "1000.00", resale: "1120.00", open: false, notInvoiced: false },
    { period: "2026-11", cost: "400.00", resale: "448.00", open: true, notInvoiced: false },
  ],
  rankedPeriod: "2026-10",
  topCustomers: [],
  topMargins: [],
  categories: [["Virtual Machines", "600.00"]],
  monthToDate: "400.00",
  lastMonthSameDays: "320.00",
  lastMonth: "1000.00",
  charts: [
    { id: "trend", title: `Cost and resale by month · ${currency}`, svg: `<svg xmlns="http://www.w3.org/2000/svg"><text>${currency}</text></svg>` },
    { id: "categories", title: "Rated cost by service category", svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
  ],
  ...over,
});

describe("Dashboard", () => {
  it("shows the charts and figures of the largest currency, switches currency by link, and saves a chart", async () => {
    const backend = mockBackend([signedIn()], "Admin", { dashboard: { currencies: [view("EUR"), view("USD", { monthToDate: "99.00" })] } });
    window.location.hash = "#/dashboard";
    render(<App />);
    const charts = await screen.findByTestId("dashboard-charts");
    expect(within(charts).getAllByRole("img")).toHaveLength(2);
    expect(within(charts).getAllByRole("img")[0]?.getAttribute("alt")).toBe("Cost and resale by month · EUR");
    expect(screen.getByTestId("kpi-month-to-date").textContent).toBe(formatMoney("400.00", "EUR"));
    expect(screen.getByTestId("dashboard-kpis").textContent).toContain("+25.0 %");
    expect(screen.getByTestId("dashboard-health").textContent).toContain("Contoso");

    fireEvent.click(within(screen.getByTestId("chart-trend")).getByText("Save PNG"));
    expect(await within(screen.getByTestId("chart-trend")).findByText(/Saved to \/home\/finance\/trend-EUR.png/)).toBeTruthy();
    expect(backend.savedCharts).toEqual([["trend-EUR", true]]);

    window.location.hash = "#/dashboard/USD";
    await waitFor(() => {
      expect(screen.getByTestId("kpi-month-to-date").textContent).toBe(formatMoney("99.00", "USD"));
    });
  });

  it("says what to do before anything is discovered", async () => {
    mockBackend([signedIn()], "Admin", {});
    window.location.hash = "#/dashboard";
    render(<App />);
    expect((await screen.findByTestId("empty-state")).textContent).toContain("run Discovery");
  });
});
