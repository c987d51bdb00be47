// An account's one run history: every import from Microsoft (Discovery, Cost Management
// exports, Azure Stack usage), newest first: what it read, when, what started it, how it
// ended, how long it took and how much it read. A running run of any kind can be stopped
// here. Each run opens to its pages and rows per kind of data, the items it set aside (its
// warnings) and, for a failed run, the endpoint and what to do. The running Discovery run
// shows its live counts.
import { Disclosure } from "../../components/Disclosure";
import { Fragment, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { invalidate, read } from "../../data/queryClient";
import { importsKeys } from "./queries";
import type { DiscoveryStatusDto, ImportKindDto, ImportRunDto } from "../../ipc";
import { importsListRuns, importsStop } from "../../ipc/commands";
import { TRIGGER_LABEL, entityLabel } from "../discovery/labels";
import { formatCount, formatDateTime, formatDuration } from "../../format";
import { RunStateBadge } from "../discovery/RunStateBadge";
import { Failed } from "../../components/QueryState";
import { SetAsideItems } from "./SetAsideItems";

/** Runs listed before "Show all". */
const FIRST = 10;
const COLUMNS = 9;
/** How often the history is read again while a run is in progress. */
const LIVE_MS = 2000;

/** What each kind of import reads, as the history names it. */
export const KIND_LABEL: Record<ImportKindDto, string> = {
  discovery: "Discovery",
  costExports: "Cost exports",
  stackUsage: "Azure Stack usage",
  pricing: "Microsoft prices",
};

/** The running run with the live numbers of its latest progress. */
function withProgress(run: ImportRunDto, status: DiscoveryStatusDto): ImportRunDto {
  const p = status.progress;
  if (run.kind !== "discovery" || !p || p.runId !== run.id || run.state !== "inProgress") return run;
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
  const client = useQueryClient();
  const history = useQuery({
    queryKey: importsKeys.runs(accountId, lastRunKey),
    queryFn: () => read(importsListRuns(accountId)),
    placeholderData: keepPreviousData,
    // Cost exports and Stack usage send no events here: read again while one runs.
    refetchInterval: (q) => (q.state.data?.some((r) => r.state === "inProgress") ? LIVE_MS : false),
  });
  const stop = useMutation({
    mutationFn: (runId: string) => read(importsStop(runId)),
    onSettled: () => invalidate(client, importsKeys.all(accountId)),
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
            <th scope="col">Import</th>
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
              <span className="visually-hidden">Actions</span>
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
                <tr data-testid="discovery-run" data-kind={run.kind}>
                  <td data-testid="run-kind">
                    {KIND_LABEL[run.kind]}
                    {/* Microsoft's prices name their run as the kind does: said once. */}
                    {run.sourceName && run.sourceName !== KIND_LABEL[run.kind] && (
                      <span className="hint"> · {run.sourceName}</span>
                    )}
                  </td>
                  <td>
                    <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>
                  </td>
                  <td>{TRIGGER_LABEL[run.trigger]}</td>
                  <td>
                    <RunStateBadge state={run.state} />
                    {run.warnings > 0 && (
                      <span className="hint" data-testid="run-warnings">
                        {" "}
                        {formatCount(run.warnings)} {run.warnings === 1 ? "warning" : "warnings"}
                      </span>
                    )}
                  </td>
                  <td className="num">{formatDuration(run.durationMs)}</td>
                  <td className="num">{formatCount(run.requests)}</td>
                  <td className="num">{formatCount(run.throttled)}</td>
                  <td className="num">{formatCount(run.rowsWritten)}</td>
                  <td className="actions">
                    {run.state === "inProgress" && (
                      <button
                        type="button"
                        className="secondary"
                        data-testid="run-stop"
                        disabled={stop.isPending && stop.variables === run.id}
                        onClick={() => {
                          stop.mutate(run.id);
                        }}
                      >
                        Stop
                      </button>
                    )}{" "}
                    <Disclosure
                      open={expanded}
                      controls={detailsId}
                      testId="discovery-run-toggle"
                      onToggle={() => {
                        setOpen(expanded ? null : run.id);
                      }}
                    >
                      {expanded ? "Hide details" : "Details"}
                    </Disclosure>
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
      {stop.isError && <Failed error={stop.error} lead="Stop did not reach the run:" />}
      {runs.length > FIRST && (
        <button
          type="button"
          className="link"
          data-testid="history-all"
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

function RunDetails({ run }: { run: ImportRunDto }) {
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
      {run.warnings > 0 && <SetAsideItems runId={run.id} warnings={run.warnings} />}
      {run.entities.length === 0 ? (
        <p className="hint">Nothing read.</p>
      ) : (
        <table className="grid compact entity-table">
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
