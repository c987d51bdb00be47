// One account's Discovery on the Accounts page: the state badge, a live progress bar with
// counts, elapsed time and ETA while a run is on, Start and Stop (each with its own error
// next to it), when the last run succeeded and when the next one is due, and the run history.
// The counters are one run's (this run's while it is on, else the last run's), never totals;
// "up to date" is said only after a run that completed. Start is disabled, with the reason,
// while the account is not signed in, and is the page's primary action only when the setup
// path on Accounts is at its Discovery step.
import { useId, useState } from "react";
import { discovery, toApiError, type AccountDto, type ApiError, type DiscoveryStatusDto, type EntityCountDto } from "../../ipc";
import { discoveryStore, useDiscovery } from "./store";
import { PHASE_LABEL, entityLabel, isDataEntity, sheetViewLabel } from "./labels";
import { formatCount, formatDateTime, formatDuration } from "../../format";
import { RunStateBadge } from "./RunStateBadge";
import { ExportPhases } from "./ExportPhases";
import { RunHistory } from "../imports/RunHistory";

interface Figures {
  requests: number;
  throttled: number;
  rowsWritten: number;
  rowsPerSecond: number;
  elapsedMs: number;
  etaMs: number | null;
  entities: EntityCountDto[];
}

/** What the counters show: the live progress while running, else the last run's totals. */
function figuresOf(status: DiscoveryStatusDto): Figures | null {
  const p = status.progress;
  if (status.state === "inProgress" && p) return p;
  const run = status.lastRun;
  if (!run) return null;
  const seconds = run.durationMs / 1000;
  return {
    requests: run.requests,
    throttled: run.throttled,
    rowsWritten: run.rowsWritten,
    rowsPerSecond: seconds > 0 ? Math.round(run.rowsWritten / seconds) : 0,
    elapsedMs: run.durationMs,
    etaMs: null,
    entities: run.entities,
  };
}

/** Why Start cannot succeed now, or null. */
function startBlocked(account: AccountDto): string | null {
  switch (account.signIn.state) {
    case "signedIn":
      return null;
    case "lapsed":
      return "Sign in again first: the consent has lapsed, so Partner Center would refuse.";
    default:
      return "Sign in with Microsoft first: Discovery reads Partner Center as the signed-in user.";
  }
}

export function DiscoveryPanel({
  account,
  status,
  primary = true,
}: {
  account: AccountDto;
  status: DiscoveryStatusDto;
  /** Whether Start is the page's one primary action (the setup path's current step). */
  primary?: boolean;
}) {
  const titleId = useId();
  const blockedId = useId();
  const blocked = startBlocked(account);
  const [busy, setBusy] = useState<"start" | "stop" | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const [stopError, setStopError] = useState<ApiError | null>(null);
  const [stopAsked, setStopAsked] = useState<string | null>(null);
  const running = status.state === "inProgress";
  const runId = status.progress?.runId ?? status.lastRun?.id ?? null;
  const stopping = running && stopAsked !== null && stopAsked === runId;
  const figures = figuresOf(status);
  const rating = useDiscovery().ratings.get(account.id);

  async function start() {
    setBusy("start");
    setStartError(null);
    setStopError(null);
    try {
      discoveryStore.started(await discovery.start(account.id));
    } catch (e) {
      setStartError(toApiError(e));
    } finally {
      setBusy(null);
    }
  }

  async function stop() {
    setBusy("stop");
    setStopError(null);
    try {
      await discovery.stop(account.id);
      // The run ends at its next safe point; the finished event turns the badge.
      setStopAsked(runId);
    } catch (e) {
      setStopError(toApiError(e));
    } finally {
      setBusy(null);
    }
  }

  const fraction = Math.min(1, Math.max(0, status.progress?.fraction ?? 0));
  const percent = Math.round(fraction * 100);

  return (
    <section className="card discovery" data-testid={`discovery-panel-${account.id}`} aria-labelledby={titleId}>
      <div className="discovery-head">
        <h3 id={titleId}>{account.name}</h3>
        <RunStateBadge state={status.state} testId="discovery-state" />
        <span className="hint" data-testid="discovery-last-success">
          Last success:{" "}
          {status.lastSuccessAt ? (
            <time dateTime={status.lastSuccessAt}>{formatDateTime(status.lastSuccessAt)}</time>
          ) : (
            "never"
          )}
        </span>
        {status.nextRunAt && (
          <span className="hint" data-testid="discovery-next-run">
            Next scheduled run: <time dateTime={status.nextRunAt}>{formatDateTime(status.nextRunAt)}</time>
          </span>
        )}
      </div>

      {running && (
        <div className="discovery-progress">
          <progress
            max={1}
            value={fraction}
            data-testid="discovery-progress"
            aria-label={`Discovery of ${account.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent} %`}
          />
          <span data-testid="discovery-percent">{percent} %</span>
          <span className="hint">
            {status.progress
              ? `${PHASE_LABEL[status.progress.phase]} · step ${formatCount(status.progress.stepsDone)} of ${formatCount(status.progress.stepsKnown)} known`
              : "Starting…"}
          </span>
        </div>
      )}
      {running && status.progress?.exports && <ExportPhases exports={status.progress.exports} />}
      {running && status.progress?.prices && (
        <p className="hint" data-testid="discovery-prices">
          Microsoft prices: file {formatCount(status.progress.prices.file)} of {formatCount(status.progress.prices.files)} —{" "}
          {sheetViewLabel(status.progress.prices.view)}
          {status.progress.prices.view === "fxRates" ? "" : " price sheet"}
          {status.progress.prices.market ? ` ${status.progress.prices.market}` : ""} {status.progress.prices.month},{" "}
          {formatCount(status.progress.prices.rows)} rows · {formatCount(status.progress.prices.requests)} Pricing API
          requests (their own run in the history, beside Discovery's requests)
        </p>
      )}
      {!running && rating?.pricesRunId && (
        <p className="hint" data-testid="discovery-prices-read">
          Microsoft prices: {formatCount(rating.pricesFiles)} file{rating.pricesFiles === 1 ? "" : "s"} read with{" "}
          {formatCount(rating.pricesRequests)} Pricing API request{rating.pricesRequests === 1 ? "" : "s"} (their own run
          in the history).
        </p>
      )}

      {status.state === "error" && status.lastRun?.error && (
        <div className="error" role="alert" data-testid="discovery-run-error">
          <p>{status.lastRun.error.message}</p>
          {status.lastRun.error.endpoint && <p className="mono">{status.lastRun.error.endpoint}</p>}
        </div>
      )}

      {!running && rating?.error && (
        <div className="error" role="alert" data-testid="discovery-rating-error">
          <p>{rating.error}</p>
        </div>
      )}
      {!running && rating?.pricesError && (
        <div className="warning" role="status" data-testid="discovery-prices-error">
          <p>{rating.pricesError}</p>
        </div>
      )}
      {!running && rating && !rating.error && (
        <p className="hint" data-testid="discovery-rating">
          {status.state !== "completed"
            ? rating.rated > 0
              ? `Rated ${formatCount(rating.rated)} customer-month${rating.rated === 1 ? "" : "s"} from what the run read before it ended; costs are up to date only after a run completes`
              : "Costs are not known to be up to date: the run did not complete"
            : rating.rated + rating.refused === 0
              ? "Costs are up to date: no usage or price changed."
              : `Rated ${formatCount(rating.rated)} customer-month${rating.rated === 1 ? "" : "s"}`}
          {rating.refused > 0 &&
            `; ${formatCount(rating.refused)} could not be rated — Reconciliation says why.`}
          {status.state !== "completed" && rating.refused === 0 && "."}
        </p>
      )}

      {figures && (
        <>
          <p className="stats-title" id={`${titleId}-counts`} data-testid="discovery-counts-title">
            {running
              ? "This run so far"
              : status.lastRun?.endedAt
                ? `Last run, ended ${formatDateTime(status.lastRun.endedAt)}`
                : "Last run"}
          </p>
          <dl className="stats" data-testid="discovery-counts" aria-labelledby={`${titleId}-counts`}>
            <div>
              <dt>Requests</dt>
              <dd data-testid="discovery-requests">{formatCount(figures.requests)}</dd>
            </div>
            <div>
              <dt>Throttled</dt>
              <dd>{formatCount(figures.throttled)}</dd>
            </div>
            <div>
              <dt>Rows written</dt>
              <dd data-testid="discovery-rows">{formatCount(figures.rowsWritten)}</dd>
            </div>
            <div>
              <dt>Rows/s</dt>
              <dd>{formatCount(figures.rowsPerSecond)}</dd>
            </div>
            <div>
              <dt>{running ? "Elapsed" : "Took"}</dt>
              <dd data-testid="discovery-elapsed">{formatDuration(figures.elapsedMs)}</dd>
            </div>
            {running && (
              <div>
                <dt>Time left</dt>
                <dd data-testid="discovery-eta">{figures.etaMs === null ? "estimating…" : `about ${formatDuration(figures.etaMs)}`}</dd>
              </div>
            )}
          </dl>
          {figures.entities.length > 0 && (
            <ul className="entity-counts" aria-label={`Rows written by kind of data, ${running ? "this run" : "last run"}`} data-testid="discovery-entities">
              {figures.entities.filter((e) => isDataEntity(e.entity)).map((e) => (
                <li key={e.entity}>
                  {entityLabel(e.entity)} <strong>{formatCount(e.rows)}</strong>
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      <div className="discovery-actions">
        <div className="action">
          <button
            type="button"
            className={primary && blocked === null ? "primary" : undefined}
            data-testid="discovery-start"
            disabled={running || busy !== null || blocked !== null}
            aria-describedby={blocked !== null && !running ? blockedId : undefined}
            onClick={() => void start()}
          >
            {busy === "start" ? "Starting…" : "Start Discovery"}
          </button>
          {startError && (
            <p className="field-error" role="alert" data-testid="discovery-start-error">
              {startError.message}
            </p>
          )}
        </div>
        <div className="action">
          <button
            type="button"
            data-testid="discovery-stop"
            disabled={!running || stopping || busy !== null}
            onClick={() => void stop()}
          >
            {stopping || busy === "stop" ? "Stopping…" : "Stop"}
          </button>
          {stopError && (
            <p className="field-error" role="alert" data-testid="discovery-stop-error">
              {stopError.message}
            </p>
          )}
        </div>
      </div>

      {blocked !== null && !running && (
        <p className="hint" id={blockedId} data-testid="discovery-start-blocked">
          {blocked}
        </p>
      )}

      <RunHistory accountId={account.id} status={status} />
    </section>
  );
}
