// App-wide Discovery state: one status per account, kept current by the backend's
// started/progress/finished events, scheduled runs included. The app subscribes once
// (`connect`, idempotent); pages read the state through `useDiscovery()`, and pages that
// show discovered data reload when `finished` moves.
import { useEffect, useSyncExternalStore } from "react";
import {
  discovery,
  toApiError,
  type ApiError,
  type DiscoveryEvent,
  type DiscoveryStatusDto,
  type RatingOutcomeDto,
  type RunDto,
} from "../../ipc";

export interface DiscoverySnapshot {
  /** Whether the first status list has arrived (or failed). */
  loaded: boolean;
  /** Why the statuses or the event subscription failed. */
  error: ApiError | null;
  /** By account id. An account with no entry has never run. */
  statuses: ReadonlyMap<string, DiscoveryStatusDto>;
  /** Counts finished runs seen since start: a change means discovered data changed. */
  finished: number;
  /** By account id: what rating did after the account's last run seen in this session. */
  ratings: ReadonlyMap<string, RatingOutcomeDto>;
}

/** The status of an account nothing is known about yet. */
export function notStarted(accountId: string): DiscoveryStatusDto {
  return { accountId, state: "notStarted", progress: null, lastRun: null, lastSuccessAt: null, nextRunAt: null };
}

const EMPTY: DiscoverySnapshot = { loaded: false, error: null, statuses: new Map(), finished: 0, ratings: new Map() };

function accountOf(e: DiscoveryEvent): string {
  return e.kind === "progress" ? e.progress.accountId : e.run.accountId;
}

/** One event applied to one account's status; pure, so it is tested on its own. */
export function applyEvent(status: DiscoveryStatusDto, e: DiscoveryEvent): DiscoveryStatusDto {
  switch (e.kind) {
    case "started":
      return { ...status, state: e.run.state, lastRun: e.run, progress: null };
    case "progress": {
      const run = status.lastRun;
      // A late progress of a run already recorded as ended changes nothing.
      if (run && run.id === e.progress.runId && run.state !== "inProgress") return status;
      return { ...status, state: "inProgress", progress: e.progress };
    }
    case "finished":
      return {
        ...status,
        state: e.run.state,
        lastRun: e.run,
        progress: null,
        lastSuccessAt: e.run.state === "completed" ? (e.run.endedAt ?? status.lastSuccessAt) : status.lastSuccessAt,
      };
  }
}

export class DiscoveryStore {
  private snapshot: DiscoverySnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private connected = false;
  /** Events seen per account: a status list requested before an event must not undo it. */
  private readonly seen = new Map<string, number>();
  /** Bumped by `reset`, so answers to an older connection are dropped. */
  private generation = 0;

  /** Subscribes to the backend's events; later calls do nothing. Statuses come from `refresh`. */
  connect(): void {
    if (this.connected) return;
    this.connected = true;
    const generation = this.generation;
    discovery
      .watch((e) => {
        if (generation === this.generation) this.apply(e);
      })
      .catch((e: unknown) => {
        if (generation !== this.generation) return;
        this.connected = false;
        this.update({ error: toApiError(e) });
      });
  }

  /** Reads every account's status again (after the schedule or the account list changed). */
  async refresh(): Promise<void> {
    const before = new Map(this.seen);
    const generation = this.generation;
    try {
      const list = await discovery.statuses();
      if (generation !== this.generation) return;
      const next = new Map<string, DiscoveryStatusDto>();
      for (const s of list) {
        const moved = (this.seen.get(s.accountId) ?? 0) !== (before.get(s.accountId) ?? 0);
        const mine = this.snapshot.statuses.get(s.accountId);
        next.set(s.accountId, moved && mine ? { ...mine, nextRunAt: s.nextRunAt } : s);
      }
      this.update({ loaded: true, error: null, statuses: next });
    } catch (e) {
      if (generation === this.generation) this.update({ loaded: true, error: toApiError(e) });
    }
  }

  /** Applies one backend event. */
  apply(e: DiscoveryEvent): void {
    const id = accountOf(e);
    this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    const statuses = new Map(this.snapshot.statuses);
    statuses.set(id, applyEvent(statuses.get(id) ?? notStarted(id), e));
    let ratings = this.snapshot.ratings;
    if (e.kind === "finished" && e.rating) {
      const next = new Map(ratings);
      next.set(id, e.rating);
      ratings = next;
    }
    this.update({ statuses, ratings, finished: this.snapshot.finished + (e.kind === "finished" ? 1 : 0) });
  }

  /** What `discovery.start` returned: the run is on even if its event is still on the way. */
  started(run: RunDto): void {
    const current = this.snapshot.statuses.get(run.accountId);
    if (current?.lastRun?.id === run.id || current?.progress?.runId === run.id) return;
    this.apply({ kind: "started", run });
  }

  /** Forgets everything and disconnects (tests, between mocked backends). */
  reset(): void {
    this.connected = false;
    this.generation += 1;
    this.seen.clear();
    this.update(EMPTY);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): DiscoverySnapshot => this.snapshot;

  private update(change: Partial<DiscoverySnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const l of this.listeners) l();
  }
}

/** The app's one store. */
export const discoveryStore = new DiscoveryStore();

/** The Discovery state, connecting to the backend on first use. */
export function useDiscovery(): DiscoverySnapshot {
  useEffect(() => {
    discoveryStore.connect();
  }, []);
  return useSyncExternalStore(discoveryStore.subscribe, discoveryStore.getSnapshot);
}
