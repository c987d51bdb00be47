import { afterEach, describe, expect, it } from "vitest";
import { applyEvent, DiscoveryStore, notStarted } from "./store";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { progress, run, signedIn } from "../../test/fixtures";

afterEach(() => {
  clearMocks();
});

describe("applyEvent", () => {
  const started = run({ id: "2", state: "inProgress", endedAt: null });

  it("follows a run from start through progress to its end", () => {
    let s = applyEvent(notStarted("a1"), { kind: "started", run: started });
    expect(s.state).toBe("inProgress");
    s = applyEvent(s, { kind: "progress", progress: progress({ fraction: 0.4 }) });
    expect(s.progress?.fraction).toBe(0.4);
    s = applyEvent(s, { kind: "finished", run: { ...started, state: "completed", endedAt: "2026-11-21T12:00:00Z" }, rating: null });
    expect(s).toMatchObject({ state: "completed", progress: null, lastSuccessAt: "2026-11-21T12:00:00Z" });
  });

  it("keeps the last success when a run fails, and ignores a late progress of an ended run", () => {
    const before = { ...notStarted("a1"), lastSuccessAt: "2026-11-20T06:00:00Z" };
    const failed = applyEvent(before, { kind: "finished", run: { ...started, state: "error" }, rating: null });
    expect(failed.lastSuccessAt).toBe("2026-11-20T06:00:00Z");
    expect(applyEvent(failed, { kind: "progress", progress: progress({ runId: "2" }) })).toBe(failed);
  });
});

describe("DiscoveryStore", () => {
  it("lets an event that arrived during a status read win over that read", async () => {
    const backend = mockBackend([signedIn()]);
    const store = new DiscoveryStore();
    store.connect();
    const reading = store.refresh();
    // The backend's answer predates this event.
    backend.statuses.clear();
    store.apply({ kind: "started", run: run({ id: "5", state: "inProgress", endedAt: null }) });
    await reading;
    expect(store.getSnapshot().statuses.get("a1")?.state).toBe("inProgress");
    expect(store.getSnapshot().loaded).toBe(true);
  });

  it("counts finished runs so data pages know to reload", () => {
    mockBackend([signedIn()]);
    const store = new DiscoveryStore();
    store.apply({ kind: "finished", run: run(), rating: null });
    store.apply({ kind: "progress", progress: progress() });
    expect(store.getSnapshot().finished).toBe(1);
  });
});
