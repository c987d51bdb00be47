// An account's Discovery runs, newest first: when, what started it, how it ended, how long
// it took and how much it read. Each run opens to its pages and rows per kind of data and,
// for a failed run, the endpoint and what to do. The running run shows its live counts.
import { Fragment, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { read } from "../../data/queryClient";
import { discoveryKeys } from "./queries";
import { discovery, type DiscoveryStatusDto, type RunDto } from "../../ipc";
import { TRIGGER_LABEL, entityLabel } from "./labels";
import { formatCount, formatDateTime, formatDuration } from "../../format";
import { RunStateBadge } from "./RunStateBadge";

/** Runs listed before "Show all". */
const FIRST = 10;
const COLUMNS = 8;

/** The running run with the live numbers of its latest progress. */
function withProgress(run: RunDto, status: DiscoveryStatusDto): RunDto {
  const p = status.progress;
  if (!p || p.runId !== run.id || run.state !== "inProgress") return run;
  return {
    ...run,
    requests: p.requests,
    throttled: p.throttled,
    rowsWritten: p.rowsWritten,
    durationMs: p.elapsedMs,
    entities: p.entities,
  };
}

export function RunHistory({ accountId, status }: { accountId: string; status: DiscoveryStatusDto }) {
  const [open, setOpen] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  // The history is read again whenever a run starts or ends; the last list stays until then.
  const lastRunKey = `${status.lastRun?.id ?? ""}:${status.lastRun?.state ?? ""}`;
  const history = useQuery({
    queryKey: discoveryKeys.runs(accountId, lastRunKey),
    queryFn: () => read(discovery.runs(accountId)),
    placeholderData: keepPreviousData,
  });
  const runs = history.data;

  if (history.isError) {
    return (
      <p className="field-error" role="alert">
        {history.error.message}
      </p>
    );
  }
  if (runs === undefined) return <p className="hint">Loading the run history…</p>;
  if (runs.length === 0) {
    return (
      <p className="hint" data-testid="discovery-history">
        No runs yet.
      </p>
    );
  }

  const shown = all ? runs : runs.slice(0, FIRST);
  return (
    <div className="history" data-testid="discovery-history">
      <table className="grid compact">
        <caption>Run history</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Throttled
            </th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((stored) => {
            const run = withProgress(stored, status);
            const expanded = open === run.id;
            const detailsId = `run-${accountId}-${run.id}`;
            return (
              <Fragment key={run.id}>
                <tr data-testid="discovery-run">
                  <td>
                    <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>
                  </td>
                  <td>{TRIGGER_LABEL[run.trigger]}</td>
                  <td>
                    <RunStateBadge state={run.state} />
                  </td>
                  <td className="num">{formatDuration(run.durationMs)}</td>
                  <td className="num">{formatCount(run.requests)}</td>
                  <td className="num">{formatCount(run.throttled)}</td>
                  <td className="num">{formatCount(run.rowsWritten)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="link"
                      aria-expanded={expanded}
                      aria-controls={detailsId}
                      data-testid="discovery-run-toggle"
                      onClick={() => {
                        setOpen(expanded ? null : run.id);
                      }}
                    >
                      {expanded ? "Hide details" : "Details"}
                    </button>
                  </td>
                </tr>
                {expanded && (
                  <tr className="settings-row">
                    <td colSpan={COLUMNS} id={detailsId} data-testid="discovery-run-details">
                      <RunDetails run={run} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {runs.length > FIRST && (
        <button
          type="button"
          className="link"
          onClick={() => {
            setAll(!all);
          }}
        >
          {all ? `Show the latest ${FIRST}` : `Show all ${formatCount(runs.length)} runs`}
        </button>
      )}
    </div>
  );
}

function RunDetails({ run }: { run: RunDto }) {
  return (
    <div className="run-details">
      {run.error && (
        <div className="error" data-testid="discovery-run-details-error">
          <p>{run.error.message}</p>
          {run.error.endpoint && (
            <p>
              Endpoint: <span className="mono">{run.error.endpoint}</span>
            </p>
          )}
        </div>
      )}
      <p className="hint">
        {run.endedAt ? (
          <>
            Ended <time dateTime={run.endedAt}>{formatDateTime(run.endedAt)}</time>
          </>
        ) : (
          "Still running"
        )}
        {run.throttled > 0 && ` · waited ${formatDuration(run.throttledWaitMs)} on ${formatCount(run.throttled)} throttled answers`}
      </p>
      {run.entities.length === 0 ? (
        <p className="hint">Nothing read.</p>
      ) : (
        <table className="entity-table">
          <caption className="visually-hidden">Pages and rows by kind of data</caption>
          <thead>
            <tr>
              <th scope="col">Data</th>
              <th scope="col" className="num">
                Pages
              </th>
              <th scope="col" className="num">
                Rows
              </th>
            </tr>
          </thead>
          <tbody>
            {run.entities.map((e) => (
              <tr key={e.entity}>
                <td>{entityLabel(e.entity)}</td>
                <td className="num">{formatCount(e.pages)}</td>
                <td className="num">{formatCount(e.rows)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
