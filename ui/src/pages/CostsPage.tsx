// Azure costs (#/costs/<accountId>/<actual|amortized>/<YYYY-MM|all>/<customerTenantId>): Azure
// MCA partner billing read from Cost Management exports. A source is the storage container the
// partner's exports land in, reached with a SAS URL that the backend keeps only in the OS
// keyring; Import reads the runs not yet imported; the costs are then split per customer (with
// its organization) and per pricing model (reservations and savings plans apart), in the actual
// or the amortized view, and a customer opens to its own cost rows. Everything shown is read
// from the database, so the page works offline once imported.
import { useCallback, useEffect, useId, useState } from "react";
import {
  accounts as accountsApi,
  costExports,
  toApiError,
  type AccountDto,
  type ApiError,
  type CostCustomerTotalDto,
  type CostDatasetDto,
  type CostImportDto,
  type CostImportEvent,
  type CostRowDto,
  type CostScopeKind,
  type CostSourceDto,
  type CostSplitDto,
} from "../ipc";
import { formatCount, formatDateTime, formatDay, formatDecimal, formatMoney, formatMonth } from "../format";
import { href } from "../routing/route";
import { AccountScope } from "../components/AccountScope";
import { VirtualTable, type Column } from "../table/VirtualTable";
import { usePagedRows } from "../table/pagedRows";
import { compareDecimal, compareText } from "../table/sort";

type Load<T> = { state: "loading" } | { state: "ready"; data: T } | { state: "failed"; error: ApiError };

const ALL_MONTHS = "all";

interface View {
  accountId: string | undefined;
  dataset: CostDatasetDto;
  month: string | null;
  tenant: string | null;
}

function parseView(rest: readonly string[]): View {
  const [accountId, dataset, month, tenant] = rest;
  return {
    accountId,
    dataset: dataset === "amortized" ? "amortized" : "actual",
    month: month && month !== ALL_MONTHS ? month : null,
    tenant: tenant ?? null,
  };
}

function openHash(to: string) {
  window.location.hash = to;
}

function viewHref(accountId: string, v: Omit<View, "accountId">): string {
  const parts = [accountId, v.dataset, v.month ?? ALL_MONTHS];
  if (v.tenant) parts.push(v.tenant);
  return href("costs", ...parts);
}

export function CostsPage({ rest }: { rest: string[] }) {
  const view = parseView(rest);
  return (
    <AccountScope
      page="costs"
      title="Azure costs"
      accountId={view.accountId}
      noAccount={
        <>
          Add your partner account on the <a href={href("accounts")}>Accounts</a> page; then connect the storage
          container your Cost Management exports are delivered to here.
        </>
      }
    >
      {(account) => (
        <>
          <p className="lead">
            Azure (Microsoft Customer Agreement) costs from your Cost Management exports, split to your customers by
            their tenant.
          </p>
          <AccountCosts key={account.id} account={account} view={view} />
        </>
      )}
    </AccountScope>
  );
}

function AccountCosts({ account, view }: { account: AccountDto; view: View }) {
  const [sources, setSources] = useState<Load<CostSourceDto[]>>({ state: "loading" });
  // Bumped after an import or a removal: the split is read again.
  const [generation, setGeneration] = useState(0);

  const loadSources = useCallback(() => {
    costExports.sources(account.id).then(
      (data) => { setSources({ state: "ready", data }); },
      (e: unknown) => { setSources({ state: "failed", error: toApiError(e) }); },
    );
  }, [account.id]);
  useEffect(loadSources, [loadSources]);

  return (
    <>
      <Sources
        account={account}
        sources={sources}
        onChanged={() => {
          loadSources();
          setGeneration((g) => g + 1);
        }}
      />
      {sources.state === "ready" && sources.data.length > 0 && (
        <Split key={generation} account={account} view={view} />
      )}
    </>
  );
}

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

function Sources({
  account,
  sources,
  onChanged,
}: {
  account: AccountDto;
  sources: Load<CostSourceDto[]>;
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

  if (sources.state === "loading") return <p role="status">Loading export sources…</p>;
  if (sources.state === "failed")
    return (
      <p className="error" role="alert">
        {sources.error.message}
      </p>
    );
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
        <p className="error" role="alert" data-testid="costs-import-error">
          {importError.message}
        </p>
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
              <p className="error" role="alert">
                {error.message}
              </p>
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
        <p className="error" role="alert" data-testid="costs-add-error">
          {error.message}
        </p>
      )}
    </form>
  );
}

/** An amount of a customer's row, in its currency, sorted as a decimal. */
function moneyColumn(
  key: string,
  header: string,
  width: number,
  amount: (r: CostCustomerTotalDto) => string,
): Column<CostCustomerTotalDto> {
  return {
    key,
    header,
    width,
    numeric: true,
    cell: (r) => formatMoney(amount(r), r.currency),
    compare: (a, b) => compareDecimal(amount(a), amount(b)),
  };
}

const customerColumns = (showMonth: boolean): Column<CostCustomerTotalDto>[] => [
  ...(showMonth
    ? [
        {
          key: "month",
          header: "Month",
          width: 140,
          cell: (r: CostCustomerTotalDto) => formatMonth(r.month),
          compare: (a: CostCustomerTotalDto, b: CostCustomerTotalDto) => compareText(a.month, b.month),
        },
      ]
    : []),
  {
    key: "customer",
    header: "Customer",
    width: 240,
    cell: (r) => r.customerName || "(no customer)",
    compare: (a, b) => compareText(a.customerName, b.customerName),
  },
  {
    key: "organization",
    header: "Organization",
    width: 180,
    cell: (r) => r.organizationName ?? "",
    compare: (a, b) => compareText(a.organizationName ?? "", b.organizationName ?? ""),
    isBlank: (r) => r.organizationName === null,
  },
  {
    key: "rows",
    header: "Rows",
    width: 90,
    numeric: true,
    cell: (r) => formatCount(r.rows),
    compare: (a, b) => a.rows - b.rows,
  },
  moneyColumn("cost", "Cost", 140, (r) => r.cost),
  moneyColumn("commitment", "Of which commitments", 170, (r) => r.commitmentCost),
  moneyColumn("payg", "At pay-as-you-go prices", 170, (r) => r.paygCost),
];
const COLUMNS_ONE_MONTH = customerColumns(false);
const COLUMNS_ALL_MONTHS = customerColumns(true);

function Split({ account, view }: { account: AccountDto; view: View }) {
  const [split, setSplit] = useState<Load<CostSplitDto>>({ state: "loading" });
  useEffect(() => {
    costExports.split(account.id, view.dataset, view.month).then(
      (data) => { setSplit({ state: "ready", data }); },
      (e: unknown) => { setSplit({ state: "failed", error: toApiError(e) }); },
    );
  }, [account.id, view.dataset, view.month]);
  const go = (v: Partial<View>) => {
    openHash(viewHref(account.id, { ...view, ...v }));
  };

  if (split.state === "loading") return <p role="status">Adding up the imported costs…</p>;
  if (split.state === "failed")
    return (
      <p className="error" role="alert">
        {split.error.message}
      </p>
    );
  const data = split.data;
  const toolbar = (
    <div className="toolbar">
      <div className="view-switch" role="group" aria-label="Cost view">
        {(["actual", "amortized"] as const).map((d) => (
          <button
            key={d}
            type="button"
            aria-pressed={view.dataset === d}
            data-testid={`costs-dataset-${d}`}
            onClick={() => { go({ dataset: d }); }}
          >
            {d === "actual" ? "Actual cost" : "Amortized cost"}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor="costs-month">Month</label>
        <select
          id="costs-month"
          data-testid="costs-month"
          value={view.month ?? ALL_MONTHS}
          onChange={(e) => { go({ month: e.target.value === ALL_MONTHS ? null : e.target.value, tenant: null }); }}
        >
          <option value={ALL_MONTHS}>Every month</option>
          {data.months.map((m) => (
            <option key={m} value={m}>
              {formatMonth(m)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
  if (data.months.length === 0)
    return (
      <section aria-labelledby="costs-split">
        <h2 id="costs-split">Costs per customer</h2>
        <div className="empty">
          <p className="empty-title">Nothing imported yet</p>
          <p>Press Import new exports to read the export runs delivered to your sources.</p>
        </div>
      </section>
    );
  if (view.tenant) {
    const tenant = view.tenant;
    const mine = data.customers.filter((c) => c.customerTenantId === tenant);
    return (
      <section aria-labelledby="costs-split">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <ol>
            <li>
              <a href={viewHref(account.id, { ...view, tenant: null })} data-testid="costs-back">
                Costs per customer
              </a>
            </li>
            <li aria-current="page">{mine[0]?.customerName ?? tenant}</li>
          </ol>
        </nav>
        {toolbar}
        <CustomerCosts account={account} view={view} tenant={tenant} totals={mine} />
      </section>
    );
  }
  const columns = view.month ? COLUMNS_ONE_MONTH : COLUMNS_ALL_MONTHS;
  return (
    <section aria-labelledby="costs-split">
      <h2 id="costs-split">Costs per customer</h2>
      {toolbar}
      <Totals data={data} />
      <VirtualTable
        caption={`Costs per customer, ${view.dataset} view`}
        testId="costs-customers"
        rowTestId="costs-customer-row"
        columns={columns}
        rows={data.customers}
        rowKey={(r) => `${r.month}/${r.customerTenantId ?? r.customerName}/${r.currency}`}
        initialSort={{ key: "cost", direction: "descending" }}
        rowLabel={(r) => `${r.customerName}, open its costs`}
        empty={<p>No costs in this view.</p>}
        onOpen={(r) => {
          if (r.customerTenantId) go({ tenant: r.customerTenantId, month: view.month });
        }}
      />
      <PricingModels data={data} />
      {data.organizations.length > 0 && (
        <>
          <h3>Per organization</h3>
          <table className="grid compact" data-testid="costs-organizations">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Organization</th>
                <th scope="col" className="num">
                  Customers
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {data.organizations.map((o) => (
                <tr key={`${o.month}/${o.organizationId}/${o.currency}`}>
                  <td>{formatMonth(o.month)}</td>
                  <td>{o.organizationName}</td>
                  <td className="num">{formatCount(o.customers)}</td>
                  <td className="num">{formatMoney(o.cost, o.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The amount columns' headings of a cost figure: cost, commitments in it, retail value. */
function AmountHeads() {
  return (
    <>
      <th scope="col" className="num">
        Cost
      </th>
      <th scope="col" className="num">
        Of which reservations + savings plans
      </th>
      <th scope="col" className="num">
        At pay-as-you-go prices
      </th>
    </>
  );
}

/** The amount cells under [`AmountHeads`]; the cost carries its exact text in `data-amount`. */
function AmountCells({
  figure: t,
  testId,
}: {
  figure: { cost: string; commitmentCost: string; paygCost: string; currency: string };
  testId: string | undefined;
}) {
  return (
    <>
      <td className="num" data-testid={testId} data-amount={t.cost}>
        {formatMoney(t.cost, t.currency)}
      </td>
      <td className="num">{formatMoney(t.commitmentCost, t.currency)}</td>
      <td className="num">{formatMoney(t.paygCost, t.currency)}</td>
    </>
  );
}

function Totals({ data }: { data: CostSplitDto }) {
  return (
    <table className="grid compact" data-testid="costs-totals">
      <caption className="sr-only">Totals per currency</caption>
      <thead>
        <tr>
          <th scope="col">Currency</th>
          <th scope="col" className="num">
            Rows
          </th>
          <AmountHeads />
        </tr>
      </thead>
      <tbody>
        {data.totals.map((t) => (
          <tr key={t.currency}>
            <th scope="row">Total {t.currency}</th>
            <td className="num">{formatCount(t.rows)}</td>
            <AmountCells figure={t} testId={`costs-total-${t.currency}`} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PricingModels({ data }: { data: CostSplitDto }) {
  if (data.pricingModels.length === 0) return null;
  return (
    <>
      <h3>Per pricing model</h3>
      <table className="grid compact" data-testid="costs-pricing-models">
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Pricing model</th>
            <th scope="col">Charge type</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {data.pricingModels.map((p) => (
            <tr
              key={`${p.month}/${p.pricingModel}/${p.chargeType}/${p.currency}`}
              data-testid="costs-pricing-model-row"
              data-commitment={p.commitment ? "true" : undefined}
            >
              <td>{formatMonth(p.month)}</td>
              <td>{p.pricingModel}</td>
              <td>{p.chargeType}</td>
              <td className="num">{formatCount(p.rows)}</td>
              <td className="num">{formatMoney(p.cost, p.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const ROW_COLUMNS: Column<CostRowDto>[] = [
  { key: "date", header: "Date", width: 110, cell: (r) => formatDay(r.date) },
  { key: "subscription", header: "Subscription", width: 200, cell: (r) => r.subscriptionName ?? r.subscriptionId ?? "" },
  { key: "meter", header: "Meter", width: 220, cell: (r) => r.meterName ?? r.productName ?? "" },
  { key: "chargeType", header: "Charge type", width: 140, cell: (r) => r.chargeType },
  {
    key: "pricingModel",
    header: "Pricing model",
    width: 140,
    cell: (r) => (r.benefitName ? `${r.pricingModel ?? ""} (${r.benefitName})` : (r.pricingModel ?? "")),
  },
  {
    key: "quantity",
    header: "Quantity",
    width: 120,
    numeric: true,
    cell: (r) => (r.quantity ? `${formatDecimal(r.quantity)} ${r.unitOfMeasure ?? ""}` : ""),
  },
  {
    key: "price",
    header: "Effective price",
    width: 130,
    numeric: true,
    cell: (r) => (r.effectivePrice ? formatMoney(r.effectivePrice, r.currency) : ""),
  },
  { key: "cost", header: "Cost", width: 130, numeric: true, cell: (r) => formatMoney(r.cost, r.currency) },
];

function CustomerCosts({
  account,
  view,
  tenant,
  totals,
}: {
  account: AccountDto;
  view: View;
  tenant: string;
  totals: CostCustomerTotalDto[];
}) {
  const query = `${account.id} ${view.dataset} ${view.month ?? ""} ${tenant}`;
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      costExports
        .customerRows(account.id, tenant, view.dataset, view.month, offset, limit)
        .then((p) => ({ total: p.total, rows: p.rows, about: null })),
    [account.id, tenant, view.dataset, view.month],
  );
  const rows = usePagedRows<CostRowDto, null>(query, fetchPage);
  return (
    <>
      <h2 data-testid="costs-customer-name">{totals[0]?.customerName ?? tenant}</h2>
      <table className="grid compact" data-testid="costs-customer-totals">
        <thead>
          <tr>
            <th scope="col">Month</th>
            <AmountHeads />
          </tr>
        </thead>
        <tbody>
          {totals.map((t) => (
            <tr key={`${t.month}/${t.currency}`}>
              <td>{formatMonth(t.month)}</td>
              <AmountCells figure={t} testId="costs-customer-cost" />
            </tr>
          ))}
        </tbody>
      </table>
      {rows.error && (
        <p className="error" role="alert">
          {rows.error.message}{" "}
          <button type="button" onClick={rows.retry}>
            Try again
          </button>
        </p>
      )}
      {!rows.source && !rows.error && <p role="status">Loading the cost rows…</p>}
      {rows.source && (
        <VirtualTable
          caption="The customer's cost rows"
          testId="costs-rows"
          rowTestId="costs-row"
          columns={ROW_COLUMNS}
          source={rows.source}
          sort={{ key: "date", direction: "ascending" }}
          onSort={() => {}}
          rowKey={(r) => r.key}
          initialSort={{ key: "date", direction: "ascending" }}
          empty={<p>No cost rows for this customer in this view.</p>}
        />
      )}
    </>
  );
}

/** Billing's view of the Azure (MCA) costs imported from Cost Management exports: they are on
 * no Partner Center invoice, so each month is listed here per currency, opening to its split
 * per customer. Hidden while nothing is imported. */
export function ExportedBilling() {
  const [rows, setRows] = useState<{ account: AccountDto; month: string; split: CostSplitDto }[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const load = async () => {
      const out: { account: AccountDto; month: string; split: CostSplitDto }[] = [];
      for (const account of await accountsApi.list()) {
        const sources = await costExports.sources(account.id);
        if (sources.length === 0) continue;
        const all = await costExports.split(account.id, "actual", null);
        const months = await Promise.all(
          all.months.map(async (month) => ({ account, month, split: await costExports.split(account.id, "actual", month) })),
        );
        out.push(...months);
      }
      return out;
    };
    load().then(setRows, (e: unknown) => { setError(toApiError(e)); });
  }, []);
  if (error)
    return (
      <p className="error" role="alert">
        Azure costs from exports could not be read: {error.message}
      </p>
    );
  if (!rows || rows.length === 0) return null;
  return (
    <section className="card" aria-labelledby="exported-billing-title" data-testid="exported-billing">
      <h2 id="exported-billing-title">Azure costs from Cost Management exports</h2>
      <p className="muted">
        Actual cost of your Microsoft Customer Agreement billing, split to customers by tenant; open a month for its
        customers, their rows, and the amortized view.
      </p>
      <table className="grid compact">
        <thead>
          <tr>
            {rows.some((r) => r.account.id !== rows[0]?.account.id) && <th scope="col">Account</th>}
            <th scope="col">Month</th>
            <th scope="col" className="num">
              Customers
            </th>
            <AmountHeads />
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((r) =>
            r.split.totals.map((t) => (
              <tr key={`${r.account.id}/${r.month}/${t.currency}`} data-testid="exported-billing-row" data-currency={t.currency}>
                {rows.some((x) => x.account.id !== rows[0]?.account.id) && <td>{r.account.name}</td>}
                <td>
                  <a href={viewHref(r.account.id, { dataset: "actual", month: r.month, tenant: null })}>
                    {formatMonth(r.month)}
                  </a>
                </td>
                <td className="num">
                  {formatCount(r.split.customers.filter((c) => c.currency === t.currency && c.customerTenantId).length)}
                </td>
                <AmountCells figure={t} testId={undefined} />
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}
