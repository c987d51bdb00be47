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
    ]);
    render(<AccountsPage />);
    const history = await screen.findByTestId("discovery-history");
    const rows = await within(history).findAllByTestId("discovery-run");
    const [costs, stack, discovery] = rows;
    if (!costs || !stack || !discovery) throw new Error("three runs are listed");
    expect(rows.map((r) => r.getAttribute("data-kind"))).toEqual(["costExports", "stackUsage", "discovery"]);
    expect(within(costs).getByTestId("run-kind").textContent).toBe("Cost exports · Contoso EA");
    expect(within(stack).getByTestId("run-kind").textContent).toBe("Azure Stack usage · reg");
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
});
