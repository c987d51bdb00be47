import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { AccountsPage } from "../accounts/AccountsPage";
import { clearMocks, mockBackend, type MockState } from "../../test/ipcMock";
import { account, progress, run, signedIn } from "../../test/fixtures";
import { notStarted } from "./store";
import type { RunStateDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

async function panel(id = "a1") {
  return screen.findByTestId(`discovery-panel-${id}`);
}

/** Events only reach the page once it has subscribed. */
async function watching(backend: MockState) {
  await waitFor(() => {
    expect(backend.calls.some((c) => c.cmd === "discovery_watch")).toBe(true);
  });
}

describe("Discovery panel", () => {
  const LABELS: [RunStateDto, string][] = [
    ["notStarted", "Not started"],
    ["inProgress", "In progress"],
    ["stopped", "Stopped"],
    ["error", "Error"],
    ["completed", "Completed"],
  ];

  it.each(LABELS)("shows the %s state as its own badge: %s", async (state, label) => {
    const lastRun = state === "notStarted" ? null : run({ state, endedAt: state === "inProgress" ? null : "2026-11-21T06:02:05Z" });
    mockBackend([signedIn()], "Admin", { statuses: [{ ...notStarted("a1"), state, lastRun }] });
    render(<AccountsPage />);
    const p = await panel();
    await waitFor(() => {
      expect(within(p).getByTestId("discovery-state").textContent).toBe(label);
    });
    const badge = within(p).getByTestId("discovery-state");
    expect(badge.className).toContain(`run-${state}`);
    expect(within(p).getByTestId<HTMLButtonElement>("discovery-start").disabled).toBe(state === "inProgress");
    expect(within(p).getByTestId<HTMLButtonElement>("discovery-stop").disabled).toBe(state !== "inProgress");
  });

  it("gives every state a different text", () => {
    expect(new Set(LABELS.map(([, l]) => l)).size).toBe(5);
  });

  it("moves the progress bar and the counters with progress events, then completes", async () => {
    const started = run({ id: "2", state: "inProgress", endedAt: null, durationMs: 0, requests: 0, rowsWritten: 0, warnings: 0, entities: [] });
    const backend = mockBackend([signedIn()], "Admin", {
      statuses: [{ ...notStarted("a1"), state: "inProgress", lastRun: started }],
      runs: [started],
    });
    render(<AccountsPage />);
    const p = await panel();
    await watching(backend);
    const bar = await within(p).findByTestId<HTMLProgressElement>("discovery-progress");
    expect(bar.value).toBe(0);

    act(() => {
      backend.emit({ kind: "progress", progress: progress({ fraction: 0.25, requests: 50, rowsWritten: 900, rowsPerSecond: 30, elapsedMs: 30_000, etaMs: 125_000 }) });
    });
    expect(bar.value).toBe(0.25);
    expect(bar.getAttribute("aria-valuenow")).toBe("25");
    expect(within(p).getByTestId("discovery-requests").textContent).toBe("50");
    expect(within(p).getByTestId("discovery-elapsed").textContent).toBe("30 s");
    expect(within(p).getByTestId("discovery-eta").textContent).toBe("about 2 min 5 s");
    expect(within(p).getByTestId("discovery-entities").textContent).toContain("Customers");

    act(() => {
      backend.emit({ kind: "progress", progress: progress({ fraction: 0.6, requests: 130, elapsedMs: 61_000, etaMs: null }) });
    });
    expect(bar.value).toBe(0.6);
    expect(bar.getAttribute("aria-valuenow")).toBe("60");
    expect(within(p).getByTestId("discovery-elapsed").textContent).toBe("1 min 1 s");
    expect(within(p).getByTestId("discovery-eta").textContent).toBe("estimating…");

    // Microsoft Graph's billing exports: the settled ones counted, the others in words.
    act(() => {
      backend.emit({
        kind: "progress",
        progress: progress({
          fraction: 0.8,
          phase: "invoices",
          exports: [
            { export: "the billed usage export of G000000001", stage: "done", blob: null, blobs: null, rows: 4200 },
            { export: "the billed reconciliation export of G000000001", stage: "unchanged", blob: null, blobs: null, rows: 0 },
            { export: "the billed usage export of G000000002", stage: "preparing", blob: null, blobs: null, rows: 0 },
            { export: "the billed usage export of G000000003", stage: "downloading", blob: 2, blobs: 5, rows: 12400 },
          ],
        }),
      });
    });
    const exports = within(p).getByTestId("discovery-exports");
    expect(exports.textContent).toContain("Microsoft Graph billing exports: 4 (1 read, 1 unchanged)");
    expect(within(exports).getAllByTestId("discovery-export").map((e) => e.textContent)).toEqual([
      "the billed usage export of G000000002: Microsoft preparing",
      `the billed usage export of G000000003: blob 2 of 5, ${(12400).toLocaleString()} rows`,
    ]);

    // Microsoft's prices after the run: the file being read, its rows and the Pricing API
    // requests, beside Discovery's own.
    act(() => {
      backend.emit({
        kind: "progress",
        progress: progress({
          fraction: 0.95,
          phase: "microsoftPrices",
          prices: { runId: "3", file: 3, files: 8, view: "azure_consumption", market: "US", month: "2026-10", rows: 12400, rowsWritten: 30000, requests: 4 },
        }),
      });
    });
    expect(p.textContent).toContain("Reading Microsoft prices");
    expect(within(p).getByTestId("discovery-prices").textContent).toContain(
      `Microsoft prices: file 3 of 8 — Azure plan price sheet US 2026-10, ${(12400).toLocaleString()} rows · 4 Pricing API requests`,
    );

    act(() => {
      backend.emit({ kind: "progress", progress: progress({ fraction: 0.99, phase: "rating" }) });
    });
    expect(within(p).queryByTestId("discovery-prices")).toBeNull();
    expect(within(p).queryByTestId("discovery-exports")).toBeNull();
    expect(within(p).getByTestId("discovery-state").textContent).toBe("In progress");
    expect(p.textContent).toContain("Rating usage");

    act(() => {
      backend.emit({
        kind: "finished",
        run: { ...started, state: "completed", endedAt: "2026-11-21T12:02:00Z", durationMs: 120_000, requests: 200 },
        rating: { rated: 12, refused: 2, unchanged: 5, linesWritten: 3400, error: null, errorCode: null, pricesError: null, pricesErrorCode: null, pricesRunId: "3", pricesFiles: 8, pricesRequests: 9 },
      });
    });
    expect(within(p).getByTestId("discovery-state").textContent).toBe("Completed");
    expect(within(p).getByTestId("discovery-rating").textContent).toBe(
      "Rated 12 customer-months; 2 could not be rated — Reconciliation says why.",
    );
    expect(within(p).queryByTestId("discovery-progress")).toBeNull();
    expect(within(p).getByTestId("discovery-prices-read").textContent).toContain(
      "Microsoft prices: 8 files read with 9 Pricing API requests",
    );
    expect(within(p).getByTestId("discovery-last-success").textContent).not.toContain("never");
    expect(within(p).getByTestId("discovery-elapsed").textContent).toBe("2 min");
    // The history is read again and shows the run as it ended.
    await waitFor(() => {
      expect(within(within(p).getByTestId("discovery-history")).getAllByTestId("discovery-run")[0]?.textContent).toContain("Completed");
    });
  });

  it("disables Start with the reason while the account is not signed in", async () => {
    mockBackend([account()]);
    render(<AccountsPage />);
    const p = await panel();
    const start = within(p).getByTestId<HTMLButtonElement>("discovery-start");
    expect(start.disabled).toBe(true);
    const reason = within(p).getByTestId("discovery-start-blocked");
    expect(reason.textContent).toContain("Sign in with Microsoft first");
    expect(start.getAttribute("aria-describedby")).toBe(reason.id);
  });

  it("shows why Start failed next to Start", async () => {
    const backend = mockBackend([signedIn()]);
    backend.failures.set("discovery_start", { code: "ConsentExpired", message: "The consent lapsed: use Login with Microsoft again.", field: null });
    render(<AccountsPage />);
    const p = await panel();
    fireEvent.click(within(p).getByTestId("discovery-start"));
    const err = await within(p).findByTestId("discovery-start-error");
    expect(err.textContent).toContain("Login with Microsoft");
    expect(err.parentElement?.contains(within(p).getByTestId("discovery-start"))).toBe(true);
    expect(within(p).getByTestId("discovery-state").textContent).toBe("Not started");
  });

  it("labels the counters as the last run's, and says up to date only after a run that completed", async () => {
    const backend = mockBackend([signedIn()]);
    render(<AccountsPage />);
    const p = await panel();
    await watching(backend);
    act(() => {
      backend.emit({
        kind: "finished",
        run: run({ state: "stopped", endedAt: "2026-11-21T12:02:00Z" }),
        rating: { rated: 0, refused: 0, unchanged: 5, linesWritten: 0, error: null, errorCode: null, pricesError: null, pricesErrorCode: null, pricesRunId: null, pricesFiles: 0, pricesRequests: 0 },
      });
    });
    await waitFor(() => {
      expect(within(p).getByTestId("discovery-state").textContent).toBe("Stopped");
    });
    expect(within(p).getByTestId("discovery-rating").textContent).not.toContain("Costs are up to date");
    expect(within(p).getByTestId("discovery-rating").textContent).toContain("did not complete");
    expect(within(p).getByTestId("discovery-counts-title").textContent).toContain("Last run");
  });

  it("starts a run, then stops it: Stopping… until the run reports Stopped", async () => {
    const backend = mockBackend([signedIn()]);
    render(<AccountsPage />);
    const p = await panel();
    await watching(backend);
    fireEvent.click(within(p).getByTestId("discovery-start"));
    await waitFor(() => {
      expect(within(p).getByTestId("discovery-state").textContent).toBe("In progress");
    });
    // As at the end: the started event and Start's own answer race; wait for both.
    await waitFor(() => {
      expect(within(p).getByTestId<HTMLButtonElement>("discovery-start").disabled).toBe(true);
      expect(within(p).getByTestId<HTMLButtonElement>("discovery-stop").disabled).toBe(false);
    });
    const stop = within(p).getByTestId<HTMLButtonElement>("discovery-stop");
    expect(backend.calls.find((c) => c.cmd === "discovery_start")?.args).toEqual({ account: "a1" });

    fireEvent.click(stop);
    await waitFor(() => {
      expect(within(p).getByTestId("discovery-state").textContent).toBe("Stopped");
    });
    expect(backend.calls.find((c) => c.cmd === "discovery_stop")?.args).toEqual({ account: "a1" });
    // The Stopped event and Stop's own answer race (one renders through the store, the other
    // through the panel's state): wait for both to have landed.
    await waitFor(() => {
      expect(within(p).getByTestId<HTMLButtonElement>("discovery-start").disabled).toBe(false);
      expect(within(p).getByTestId<HTMLButtonElement>("discovery-stop").disabled).toBe(true);
    });
    await waitFor(() => {
      expect(within(p).getByTestId("discovery-history").textContent).toContain("Stopped");
    });
  });

  it("shows a Stop error next to Stop", async () => {
    const started = run({ id: "2", state: "inProgress", endedAt: null });
    const backend = mockBackend([signedIn()], "Admin", { statuses: [{ ...notStarted("a1"), state: "inProgress", lastRun: started }] });
    backend.failures.set("discovery_stop", { code: "Internal", message: "The run could not be told to stop.", field: null });
    render(<AccountsPage />);
    const p = await panel();
    await waitFor(() => {
      expect(within(p).getByTestId("discovery-state").textContent).toBe("In progress");
    });
    fireEvent.click(within(p).getByTestId("discovery-stop"));
    expect((await within(p).findByTestId("discovery-stop-error")).textContent).toBe("The run could not be told to stop.");
    expect(within(p).queryByTestId("discovery-start-error")).toBeNull();
  });

  it("lists the run history and opens a run's details, with the endpoint of a failure", async () => {
    const failed = run({
      id: "3",
      state: "error",
      trigger: "scheduled",
      startedAt: "2026-11-21T18:00:00Z",
      endedAt: "2026-11-21T18:00:40Z",
      durationMs: 40_000,
      requests: 12,
      throttled: 2,
      rowsWritten: 7,
      entities: [{ entity: "rateCards", pages: 4, rows: 7 }],
      error: { code: "Forbidden", endpoint: "GET /v1/ratecards/azure", message: "Partner Center refused the rate card: check the account's roles." },
    });
    const ok = run({ id: "1" });
    mockBackend([signedIn()], "Admin", {
      statuses: [{ ...notStarted("a1"), state: "error", lastRun: failed, lastSuccessAt: "2026-11-21T06:02:05Z" }],
      runs: [failed, ok],
    });
    render(<AccountsPage />);
    const p = await panel();
    expect((await within(p).findByTestId("discovery-run-error")).textContent).toContain("refused the rate card");
    const history = await within(p).findByTestId("discovery-history");
    const rows = within(history).getAllByTestId("discovery-run");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Scheduled");
    expect(rows[0]?.textContent).toContain("Error");
    expect(rows[0]?.textContent).toContain("40 s");
    expect(rows[1]?.textContent).toContain("Completed");
    expect(rows[1]?.textContent).toContain("2 min 5 s");

    const toggles = within(history).getAllByTestId("discovery-run-toggle");
    fireEvent.click(toggles[0] as HTMLElement);
    const details = within(history).getByTestId("discovery-run-details");
    expect(details.textContent).toContain("GET /v1/ratecards/azure");
    expect(details.textContent).toContain("check the account's roles");
    expect(details.textContent).toContain("Rate cards");
    expect(toggles[0]?.getAttribute("aria-expanded")).toBe("true");

    fireEvent.click(toggles[1] as HTMLElement);
    const second = within(history).getByTestId("discovery-run-details");
    expect(second.textContent).toContain("Subscriptions");
    expect(second.textContent).toContain("480");
    expect(second.textContent).not.toContain("ratecards");
  });

  it("gives each account its own panel, fed by events of that account only", async () => {
    const backend = mockBackend([signedIn(), signedIn({ id: "a2", name: "Fabrikam", tenantId: "0a1b2c3d-0000-4000-8000-000000000002" })]);
    render(<AccountsPage />);
    const second = await panel("a2");
    await watching(backend);
    act(() => {
      backend.emit({ kind: "started", run: run({ id: "9", accountId: "a2", state: "inProgress", trigger: "scheduled", endedAt: null }) });
    });
    expect(within(second).getByTestId("discovery-state").textContent).toBe("In progress");
    expect(within(await panel("a1")).getByTestId("discovery-state").textContent).toBe("Not started");
  });
});

describe("Discovery schedule", () => {
  it("shows a bad time next to the field and saves a good one", async () => {
    const backend = mockBackend([signedIn()]);
    render(<AccountsPage />);
    const times = await screen.findByTestId<HTMLInputElement>("schedule-times");
    expect(times.value).toBe("06:00, 18:00");
    fireEvent.change(times, { target: { value: "06:00, 25:00" } });
    fireEvent.click(screen.getByTestId("schedule-save"));
    expect((await screen.findByTestId("schedule-error-times")).textContent).toContain("25:00");
    expect(times.getAttribute("aria-invalid")).toBe("true");

    fireEvent.change(times, { target: { value: "18:30 07:15" } });
    expect(screen.queryByTestId("schedule-error-times")).toBeNull();
    fireEvent.click(screen.getByTestId("schedule-enabled"));
    fireEvent.click(screen.getByTestId("schedule-save"));
    await screen.findByTestId("schedule-saved");
    expect(backend.schedule).toEqual({ enabled: false, times: ["07:15", "18:30"] });
    expect(times.value).toBe("07:15, 18:30");
  });
});
