import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { AccountsPage } from "../accounts/AccountsPage";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { run, signedIn } from "../../test/fixtures";
import { notStarted } from "../discovery/store";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the one run history", () => {
  it("lists every kind of import with its source and stops a running cost export by its run id", async () => {
    const discovered = run({ id: "1" });
    const backend = mockBackend([signedIn()], "Admin", {
      statuses: [{ ...notStarted("a1"), state: "completed", lastRun: discovered }],
      runs: [discovered],
    });
    backend.importRuns.set("a1", [
      { kind: "costExports", source: "s1", sourceName: "Contoso EA", ...run({ id: "3", state: "inProgress", endedAt: null }) },
      { kind: "stackUsage", source: "sub/azurestack/reg", sourceName: "reg", ...run({ id: "2", state: "error" }) },
      { kind: "pricing", source: "afterDiscovery", sourceName: "Microsoft prices", ...run({ id: "4" }) },
    ]);
    render(<AccountsPage />);
    const history = await screen.findByTestId("discovery-history");
    const rows = await within(history).findAllByTestId("discovery-run");
    const [costs, stack, prices, discovery] = rows;
    if (!costs || !stack || !prices || !discovery) throw new Error("four runs are listed");
    expect(rows.map((r) => r.getAttribute("data-kind"))).toEqual(["costExports", "stackUsage", "pricing", "discovery"]);
    expect(within(costs).getByTestId("run-kind").textContent).toBe("Cost exports · Contoso EA");
    expect(within(stack).getByTestId("run-kind").textContent).toBe("Azure Stack usage · reg");
    // A source named as its kind is not said twice.
    expect(within(prices).getByTestId("run-kind").textContent).toBe("Microsoft prices");
    expect(within(discovery).getByTestId("run-kind").textContent).toBe("Discovery");
    // Only the running run offers Stop.
    expect(within(history).getAllByTestId("run-stop")).toHaveLength(1);

    fireEvent.click(within(costs).getByTestId("run-stop"));
    await waitFor(() => {
      expect(backend.calls.find((c) => c.cmd === "imports_stop")?.args).toEqual({ runId: "3" });
    });
    await waitFor(() => {
      const [first] = within(screen.getByTestId("discovery-history")).getAllByTestId("discovery-run");
      expect(first?.textContent).toContain("Stopped");
    });
    expect(within(screen.getByTestId("discovery-history")).queryAllByTestId("run-stop")).toHaveLength(0);
  });

  it("counts a completed run's warnings and shows each set-aside item with its invoice, page, index and field", async () => {
    const discovered = run({ id: "7", warnings: 1 });
    const backend = mockBackend([signedIn()], "Admin", {
      statuses: [{ ...notStarted("a1"), state: "completed", lastRun: discovered }],
      runs: [discovered],
    });
    backend.setAside.set("7", [
      {
        runId: "7",
        endpoint: "/v1/invoices/G000123/lineitems?provider=onetime&invoicelineitemtype=usagelineitems",
        invoiceId: "G000123",
        customerId: "c-1",
        page: 2,
        index: 17,
        field: "billingPreTaxTotal",
        reason: "missing field `billingPreTaxTotal`",
        current: true,
        raw: '{"customerId":"c-1","meterId":"m"}',
      },
    ]);
    render(<AccountsPage />);
    const history = await screen.findByTestId("discovery-history");
    const [row] = await within(history).findAllByTestId("discovery-run");
    if (!row) throw new Error("the run is listed");
    expect(within(row).getByTestId("run-warnings").textContent).toContain("1 warning");
    fireEvent.click(within(row).getByTestId("discovery-run-toggle"));
    const item = await screen.findByTestId("set-aside-item");
    expect(item.textContent).toContain("G000123");
    expect(item.textContent).toContain("billingPreTaxTotal");
    expect(within(item).getAllByRole("cell").map((c) => c.textContent).slice(0, 4)).toEqual(["G000123", "2", "17", "billingPreTaxTotal"]);
    expect(backend.calls.find((c) => c.cmd === "imports_list_set_aside")?.args).toEqual({ runId: "7" });
  });
});
