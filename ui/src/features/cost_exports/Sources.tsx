// The Costs page's export sources: the storage containers the partner's Cost Management
// exports land in (the SAS stays in the keyring), adding and removing them, and Import with
// its progress and summary.
import { useId, useState } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { Failed, Loading } from "../../components/QueryState";
import {
  costExports,
  toApiError,
  type AccountDto,
  type ApiError,
  type CostImportDto,
  type CostImportEvent,
  type CostScopeKind,
  type CostSourceDto,
} from "../../ipc";
import { formatCount, formatDateTime } from "../../format";

const SCOPES: { kind: CostScopeKind; label: string }[] = [
  { kind: "billingAccount", label: "Billing account" },
  { kind: "billingProfile", label: "Billing profile" },
  { kind: "customer", label: "Customer (tenant)" },
];

function scopeText(s: CostSourceDto): string {
  const label = SCOPES.find((x) => x.kind === s.scope)?.label ?? s.scope;
  return s.scopeId ? `${label} ${s.scopeId}` : label;
}

/** An import under way: runs finished add up, the run being read adds its rows so far. */
interface Progress {
  label: string;
  total: number;
  finished: number;
  current: number;
}

function progressAfter(p: Progress, e: CostImportEvent): Progress {
  switch (e.event) {
    case "listed":
      return { ...p, label: `${e.sourceName}: ${formatCount(e.manifests)} export runs found` };
    case "planned":
      return { label: `${e.sourceName}: importing ${formatCount(e.runs)} runs`, total: e.rows, finished: 0, current: 0 };
    case "rows":
      return { ...p, current: e.done };
    case "runImported":
      return { ...p, finished: p.finished + e.run.rows, current: 0 };
  }
}

export function Sources({
  account,
  sources,
  onChanged,
}: {
  account: AccountDto;
  sources: UseQueryResult<CostSourceDto[]>;
  onChanged: () => void;
}) {
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState<Progress | null>(null);
  const [imported, setImported] = useState<CostImportDto[] | null>(null);
  const [importError, setImportError] = useState<ApiError | null>(null);
  const [rowAction, setRowAction] = useState<{ id: string; kind: "renew" | "remove" } | null>(null);
  const [rowError, setRowError] = useState<{ id: string; error: ApiError } | null>(null);

  const runImport = () => {
    setImporting({ label: "Listing the export runs…", total: 0, finished: 0, current: 0 });
    setImported(null);
    setImportError(null);
    const onEvent = (e: CostImportEvent) => {
      setImporting((now) => (now ? progressAfter(now, e) : now));
    };
    costExports.import(account.id, null, onEvent).then(
      (result) => {
        setImporting(null);
        setImported(result);
        onChanged();
      },
      (e: unknown) => {
        setImporting(null);
        setImportError(toApiError(e));
        onChanged();
      },
    );
  };

  if (sources.isPending) return <Loading>Loading export sources…</Loading>;
  if (sources.isError) return <Failed error={sources.error} />;
  const list = sources.data;
  return (
    <section aria-labelledby="costs-sources">
      <h2 id="costs-sources">Export sources of {account.name}</h2>
      {list.length === 0 && !adding && (
        <div className="empty" data-testid="costs-empty">
          <p className="empty-title">No export source yet</p>
          <p>
            In the Azure portal, create Cost Management exports (actual and amortized cost, CSV) of your billing
            account into a storage container, then make a SAS URL for that container with Read and List permissions
            and connect it here.
          </p>
        </div>
      )}
      {list.length > 0 && (
        <table className="grid compact" data-testid="costs-sources">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Scope</th>
              <th scope="col">Container</th>
              <th scope="col">SAS expires</th>
              <th scope="col" className="num">
                Runs
              </th>
              <th scope="col">Last import</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <SourceRow
                key={s.id}
                account={account}
                source={s}
                action={rowAction?.id === s.id ? rowAction.kind : null}
                error={rowError?.id === s.id ? rowError.error : null}
                onAction={(kind) => {
                  setRowAction(kind ? { id: s.id, kind } : null);
                  setRowError(null);
                }}
                onError={(error) => { setRowError({ id: s.id, error }); }}
                onChanged={() => {
                  setRowAction(null);
                  onChanged();
                }}
              />
            ))}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        {list.length > 0 && (
          <button
            type="button"
            className="primary"
            data-testid="costs-import"
            disabled={importing !== null}
            onClick={runImport}
          >
            Import new exports
          </button>
        )}
        {!adding && (
          <button
            type="button"
            className={list.length === 0 ? "primary" : undefined}
            data-testid="costs-connect"
            onClick={() => { setAdding(true); }}
          >
            Connect an export source
          </button>
        )}
      </div>
      {importing && (
        <div role="status" data-testid="costs-importing">
          <p>{importing.label}</p>
          {importing.total > 0 && (
            <>
              <progress
                data-testid="costs-import-progress"
                max={importing.total}
                value={Math.min(importing.finished + importing.current, importing.total)}
                aria-label="Rows imported"
              />{" "}
              {formatCount(importing.finished + importing.current)} of {formatCount(importing.total)} rows
            </>
          )}
        </div>
      )}
      {importError && (
        <Failed error={importError} testId="costs-import-error" />
      )}
      {imported && <ImportSummary result={imported} />}
      {adding && (
        <AddSource
          account={account}
          onCancel={() => { setAdding(false); }}
          onAdded={() => {
            setAdding(false);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

function ImportSummary({ result }: { result: CostImportDto[] }) {
  return (
    <div className="card" role="status" data-testid="costs-import-summary">
      {result.map((r) => {
        const already = r.skipped.filter((k) => k.alreadyImported).length;
        const other = r.skipped.filter((k) => !k.alreadyImported);
        return (
          <div key={r.sourceId}>
            <p>
              {r.sourceName}: {formatCount(r.imported.length)} runs imported ({formatCount(r.rows)} rows) of{" "}
              {formatCount(r.runsFound)} found
              {already > 0 ? `; ${formatCount(already)} already imported` : ""}.
            </p>
            {r.imported.some((x) => x.replaced) && (
              <p className="hint">Re-exported months replaced their earlier runs.</p>
            )}
            {other.length > 0 && (
              <ul>
                {other.map((k) => (
                  <li key={k.runId}>
                    {k.manifestPath}: {k.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}

function SourceRow({
  account,
  source,
  action,
  error,
  onAction,
  onError,
  onChanged,
}: {
  account: AccountDto;
  source: CostSourceDto;
  action: "renew" | "remove" | null;
  error: ApiError | null;
  onAction: (kind: "renew" | "remove" | null) => void;
  onError: (e: ApiError) => void;
  onChanged: () => void;
}) {
  const [sasUrl, setSasUrl] = useState("");
  const [busy, setBusy] = useState(false);
  const sasField = useId();
  const run = (call: () => Promise<unknown>) => {
    setBusy(true);
    call().then(
      () => {
        setBusy(false);
        setSasUrl("");
        onChanged();
      },
      (e: unknown) => {
        setBusy(false);
        onError(toApiError(e));
      },
    );
  };
  return (
    <>
      <tr data-testid="costs-source-row" aria-invalid={source.sasExpired ? true : undefined}>
        <td>{source.name}</td>
        <td>{scopeText(source)}</td>
        <td className="mono">
          {source.containerUrl}
          {source.rootFolder ? `/${source.rootFolder}` : ""}
        </td>
        <td>
          <time dateTime={source.sasExpiresAt}>{formatDateTime(source.sasExpiresAt)}</time>
          {source.sasExpired ? (
            <span className="badge warning"> expired: renew</span>
          ) : source.sasExpiringSoon ? (
            <span className="badge warning"> expires soon</span>
          ) : null}
        </td>
        <td className="num">{formatCount(source.runs)}</td>
        <td>{source.lastImportedAt ? formatDateTime(source.lastImportedAt) : "never"}</td>
        <td>
          <button type="button" onClick={() => { onAction(action === "renew" ? null : "renew"); }}>
            Renew SAS
          </button>{" "}
          <button type="button" onClick={() => { onAction(action === "remove" ? null : "remove"); }}>
            Remove
          </button>
        </td>
      </tr>
      {action && (
        <tr>
          <td colSpan={7}>
            {action === "renew" ? (
              <form
                className="fields"
                onSubmit={(e) => {
                  e.preventDefault();
                  run(() => costExports.renew(account.id, source.id, sasUrl));
                }}
              >
                <div className="field">
                  <label htmlFor={sasField}>New SAS URL of {source.containerUrl}</label>
                  <input
                    id={sasField}
                    type="password"
                    autoComplete="off"
                    value={sasUrl}
                    onChange={(e) => { setSasUrl(e.target.value); }}
                    aria-invalid={error?.field === "sasUrl" ? true : undefined}
                  />
                </div>
                <button type="submit" className="primary" disabled={busy || sasUrl.trim() === ""}>
                  Save SAS
                </button>
              </form>
            ) : (
              <div className="confirm">
                <p>
                  Remove {source.name}? Its {formatCount(source.runs)} imported runs are deleted from this database and
                  its SAS from the keyring; the exports in Azure stay.
                </p>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => { run(() => costExports.removeSource(account.id, source.id)); }}
                >
                  Remove source
                </button>{" "}
                <button type="button" onClick={() => { onAction(null); }}>
                  Keep it
                </button>
              </div>
            )}
            {error && (
              <Failed error={error} />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function AddSource({
  account,
  onCancel,
  onAdded,
}: {
  account: AccountDto;
  onCancel: () => void;
  onAdded: () => void;
}) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<CostScopeKind>("billingAccount");
  const [scopeId, setScopeId] = useState("");
  const [sasUrl, setSasUrl] = useState("");
  const [rootFolder, setRootFolder] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const ids = { name: useId(), scope: useId(), scopeId: useId(), sas: useId(), root: useId() };
  const invalid = (field: string) => (error?.field === field ? true : undefined);

  return (
    <form
      className="card fields"
      data-testid="costs-add-form"
      aria-label="Connect an export source"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        costExports
          .addSource({
            account: account.id,
            name,
            scope,
            scopeId: scopeId.trim() === "" ? null : scopeId,
            sasUrl,
            rootFolder: rootFolder.trim() === "" ? null : rootFolder,
          })
          .then(
            () => {
              setBusy(false);
              onAdded();
            },
            (e: unknown) => {
              setBusy(false);
              setError(toApiError(e));
            },
          );
      }}
    >
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          data-testid="costs-source-name"
          placeholder="e.g. Partner billing account"
          value={name}
          onChange={(e) => { setName(e.target.value); }}
          aria-invalid={invalid("name")}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.scope}>Exports of</label>
        <select
          id={ids.scope}
          value={scope}
          onChange={(e) => { setScope(e.target.value as CostScopeKind); }}
        >
          {SCOPES.map((s) => (
            <option key={s.kind} value={s.kind}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      {scope !== "billingAccount" && (
        <div className="field">
          <label htmlFor={ids.scopeId}>{scope === "customer" ? "Customer tenant ID" : "Billing profile ID"}</label>
          <input
            id={ids.scopeId}
            value={scopeId}
            onChange={(e) => { setScopeId(e.target.value); }}
            aria-invalid={invalid("scopeId")}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.sas}>Container SAS URL (Read + List)</label>
        <input
          id={ids.sas}
          data-testid="costs-source-sas"
          type="password"
          autoComplete="off"
          placeholder="https://account.blob.core.windows.net/container?sv=…&sig=…"
          value={sasUrl}
          onChange={(e) => { setSasUrl(e.target.value); }}
          aria-invalid={invalid("sasUrl")}
        />
        <p className="hint">Kept only in this machine's keyring, never in the database or exports.</p>
      </div>
      <div className="field">
        <label htmlFor={ids.root}>Folder in the container (optional)</label>
        <input
          id={ids.root}
          data-testid="costs-source-root"
          placeholder="the exports' root folder"
          value={rootFolder}
          onChange={(e) => { setRootFolder(e.target.value); }}
          aria-invalid={invalid("rootFolder")}
        />
      </div>
      <div className="toolbar">
        <button
          type="submit"
          className="primary"
          data-testid="costs-source-add"
          disabled={busy || name.trim() === "" || sasUrl.trim() === ""}
        >
          Connect
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <Failed error={error} testId="costs-add-error" />
      )}
    </form>
  );
}

