// The frame while an older database is upgraded: the upgrade, not a page that would only
// answer "upgrading"; then the page the user asked for, with nothing read before.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import { render } from "./test/render";
import { App } from "./App";
import { clearMocks, mockBackend } from "./test/ipcMock";
import { signedIn } from "./test/fixtures";
import type { DatabaseOpeningDto } from "./ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const upgrading = (beats: number, elapsedMs: number): DatabaseOpeningDto => ({
  state: "upgrading",
  step: 1,
  steps: 2,
  what: "Daily rated usage stored compactly",
  beats,
  elapsedMs,
  error: null,
});

describe("the frame while the database opens", () => {
  it("shows the upgrade with its step and time until it is done, then the page, reading no page before", async () => {
    const backend = mockBackend([signedIn()]);
    backend.opening = [
      upgrading(0, 400),
      upgrading(7, 65_000),
      { state: "ready", step: 2, steps: 2, what: "Graph reconciliation", beats: 9, elapsedMs: 70_000, error: null },
    ];
    window.location.hash = "#/accounts";
    render(<App />);
    const step = await screen.findByTestId("upgrade-step");
    expect(step.textContent).toContain("Step 1 of 2: Daily rated usage stored compactly");
    expect(screen.getByRole("heading", { name: "Upgrading the database" })).toBeTruthy();
    await waitFor(() => {
      expect(screen.getByTestId("upgrade-step").textContent).toContain("7 progress beats");
    });
    // Nothing that needs the database (the status bar's watch for Discovery events does not).
    expect(backend.calls.map((c) => c.cmd).filter((c) => c !== "app_database_state" && c !== "discovery_watch")).toEqual([]);
    // Done: the page opens and reads.
    await waitFor(() => {
      expect(screen.queryByTestId("database-upgrade")).toBeNull();
    }, { timeout: 3000 });
    await waitFor(() => {
      expect(backend.calls.some((c) => c.cmd === "accounts_list")).toBe(true);
    });
    expect(document.getElementById("page-title")?.textContent).toContain("Accounts");
  });

  it("opens the page at once when nothing is upgraded", async () => {
    const backend = mockBackend([signedIn()]);
    window.location.hash = "#/accounts";
    render(<App />);
    await waitFor(() => {
      expect(backend.calls.some((c) => c.cmd === "accounts_list")).toBe(true);
    });
    expect(screen.queryByTestId("database-upgrade")).toBeNull();
  });
});
