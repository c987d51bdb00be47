import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { ExportedBilling } from "./ExportedBilling";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { costsMock, resetCostsMock } from "../../test/costsMock";
import { signedIn } from "../../test/fixtures";
import type { CostCustomerTotalDto, CostRowDto, CostSplitDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const account = signedIn();
const ADATUM = "6f0c8d7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f";
const customer = (name: string, tenant: string | null, cost: string, commitment: string): CostCustomerTotalDto => ({
  month: "2026-02",
  customerTenantId: tenant,
  customerName: name,
  organizationId: null,
  organizationName: null,
  currency: "USD",
  rows: 10,
  cost,
  commitmentCost: commitment,
  paygCost: (Number(cost) - Number(commitment)).toFixed(2),
});
const split: CostSplitDto = {
  accountId: account.id,
  dataset: "actual",
  month: null,
  months: ["2026-02"],
  customers: [customer("Adatum", ADATUM, "1200.50", "700.00"), customer("Fabrikam", "f-1", "99.95", "0.00")],
  organizations: [],
  pricingModels: [
    { month: "2026-02", pricingModel: "OnDemand", chargeType: "Usage", commitment: false, currency: "USD", rows: 18, cost: "600.45" },
    { month: "2026-02", pricingModel: "Reservation", chargeType: "Purchase", commitment: true, currency: "USD", rows: 2, cost: "700.00" },
  ],
  totals: [{ currency: "USD", rows: 20, cost: "1300.45", commitmentCost: "700.00", paygCost: "600.45" }],
};
const row = (i: number): CostRowDto => ({
  key: `s/run/0/${String(i + 2)}`,
  date: "2026-02-03",
  invoiceId: null,
  subscriptionId: "sub-1",
  subscriptionName: "Production",
  meterName: `Meter ${String(i)}`,
  meterCategory: "Virtual Machines",
  productName: null,
  chargeType: "Usage",
  pricingModel: "OnDemand",
  benefitName: null,
  quantity: "24",
  unitOfMeasure: "1 Hour",
  effectivePrice: "0.5",
  cost: "12.00",
  currency: "USD",
});

describe("Azure costs page", () => {
  it("says how to connect a source when there is none, and refuses a URL without a SAS next to the field", async () => {
    mockBackend([account]);
    resetCostsMock(null);
    window.location.hash = "#/costs";
    render(<App />);
    expect(await screen.findByText("No export source yet")).toBeTruthy();
    fireEvent.click(screen.getByTestId("costs-connect"));
    fireEvent.change(screen.getByTestId("costs-source-name"), { target: { value: "Billing account" } });
    fireEvent.change(screen.getByTestId("costs-source-sas"), {
      target: { value: "https://acct.blob.core.windows.net/exports" },
    });
    fireEvent.click(screen.getByTestId("costs-source-add"));
    const error = await screen.findByTestId("costs-add-error");
    expect(error.textContent).toContain("no SAS signature");
    expect(screen.getByTestId<HTMLInputElement>("costs-source-sas").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId<HTMLInputElement>("costs-source-name").value).toBe("Billing account");
  });

  it("connects a source, imports with progress, and shows costs split per customer and pricing model", async () => {
    mockBackend([account]);
    resetCostsMock({ split: { actual: split }, rows: new Map([[ADATUM, [row(0), row(1), row(2)]]]), runRows: 20 });
    window.location.hash = "#/costs";
    render(<App />);
    fireEvent.click(await screen.findByTestId("costs-connect"));
    fireEvent.change(screen.getByTestId("costs-source-name"), { target: { value: "Billing account" } });
    fireEvent.change(screen.getByTestId("costs-source-sas"), {
      target: { value: "https://acct.blob.core.windows.net/exports?sv=2021-08-06&sr=c&sp=rl&se=2027-01-01T00:00:00Z&sig=abc" },
    });
    fireEvent.click(screen.getByTestId("costs-source-add"));
    const sources = await screen.findByTestId("costs-sources");
    // The SAS never comes back: only the container address is listed.
    expect(sources.textContent).toContain("https://acct.blob.core.windows.net/exports");
    expect(sources.textContent).not.toContain("sig=");
    expect(await screen.findByText("Nothing imported yet")).toBeTruthy();

    fireEvent.click(screen.getByTestId("costs-import"));
    const summary = await screen.findByTestId("costs-import-summary");
    expect(summary.textContent).toContain("1 runs imported (20 rows) of 2 found");
    expect(costsMock.sources[0]?.runs).toBe(2);

    const table = await screen.findByTestId("costs-customers");
    const rows = within(table).getAllByTestId("costs-customer-row");
    // Largest cost first, amounts with their currency.
    expect(rows[0]?.textContent).toContain("Adatum");
    expect(rows[0]?.textContent).toContain("$1,200.50");
    expect(screen.getByTestId("costs-total-USD").textContent).toBe("$1,300.45");
    const models = screen.getAllByTestId("costs-pricing-model-row");
    expect(models.filter((m) => m.dataset.commitment === "true").map((m) => m.textContent)).toEqual([
      expect.stringContaining("Reservation"),
    ]);

    const first = rows[0];
    if (!first) throw new Error("no row");
    fireEvent.click(first);
    await waitFor(() => {
      expect(window.location.hash).toBe(`#/costs/${account.id}/actual/all/${ADATUM}`);
    });
    expect((await screen.findByTestId("costs-customer-name")).textContent).toBe("Adatum");
    expect(screen.getByTestId("costs-customer-cost").textContent).toBe("$1,200.50");
    expect((await screen.findAllByTestId("costs-row")).length).toBe(3);
  });

  it("lists each imported month per currency on Billing, opening its split", async () => {
    mockBackend([account]);
    resetCostsMock(null);
    costsMock.sources = [
      {
        id: "src-1",
        accountId: account.id,
        name: "Billing account",
        scope: "billingAccount",
        scopeId: null,
        containerUrl: "https://acct.blob.core.windows.net/exports",
        rootFolder: "",
        sasExpiresAt: "2027-01-01T00:00:00Z",
        sasExpired: false,
        sasExpiringSoon: false,
        runs: 2,
        lastImportedAt: "2026-11-22T08:00:00Z",
      },
    ];
    costsMock.split = { actual: split };
    render(<ExportedBilling />);
    const rows = await screen.findAllByTestId("exported-billing-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain("$1,300.45");
    expect(within(rows[0] as HTMLElement).getByRole("link").getAttribute("href")).toBe(
      `#/costs/${account.id}/actual/2026-02`,
    );
    // Two customers named in USD that month.
    expect(rows[0]?.querySelectorAll("td")[1]?.textContent).toBe("2");
  });
});
