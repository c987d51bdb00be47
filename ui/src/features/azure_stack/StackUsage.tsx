// Azure Stack Hub usage of one registration (on the Azure Stack page) and of every
// registration (on Billing): the usage the Stack's own admin endpoint reports, billed to the
// customer subscription its tenant is added with, or else to the registration's default
// subscription, and rated per vCPU-hour at one rate for every VM size. Importing calls the
// Stack; the tables are read from the database, so they work offline.
import { Disclosure } from "../../components/Disclosure";
import { useId, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { invalidate, invalidateAfterImport } from "../../data/queryClient";
import { stackKeys, useAdminEndpoints, useStackBilling, useUsageTotals } from "./queries";
import {
  azureStack,
  toApiError,
  type AccountDto,
  type ApiError,
  type StackAdminEndpointDto,
  type StackRegistrationDto,
  type StackUsageImportDto,
  type StackUsageTotalDto,
} from "../../ipc";
import { formatCount, formatDay, formatDecimal, formatMoney, formatMonth } from "../../format";

/** Stack amounts are rated at full precision (a vCPU-hour costs fractions of a cent): rates and
 * meter amounts are shown exactly; a total shows in its currency's cents, exactly on hover. */
const exact = (amount: string, currency: string) => `${formatDecimal(amount)} ${currency}`;

const sameAt = (a: StackUsageTotalDto["registration"], b: StackUsageTotalDto["registration"]) =>
  a.subscriptionId === b.subscriptionId && a.resourceGroup === b.resourceGroup && a.name === b.name;

/** The usage of `registration`: where its Stack is, importing, and what was billed to whom. */
export function RegistrationUsage({ account, registration }: { account: AccountDto; registration: StackRegistrationDto }) {
  const at = registration.at;
  const [endpoint, setEndpoint] = useState<StackAdminEndpointDto | null>(null);
  const client = useQueryClient();
  const usage = useUsageTotals(account.id);
  const totals = useMemo(() => usage.data?.filter((t) => sameAt(t.registration, at)), [usage.data, at]);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [imported, setImported] = useState<StackUsageImportDto | null>(null);

  // The saved endpoint seeds the form once; after that the form's own state rules.
  const endpoints = useAdminEndpoints(account.id);
  const [seeded, setSeeded] = useState(false);
  if (!seeded && endpoints.data) {
    setSeeded(true);
    const mine = endpoints.data.find((e) => sameAt(e.registration, at)) ?? null;
    setEndpoint(mine);
    setEditing(mine === null);
  }
  const shownError = error ?? endpoints.error;

  const importUsage = () => {
    setBusy("Reading the usage from the Stack's admin endpoint…");
    setError(null);
    setImported(null);
    azureStack.importUsage(account.id, { registration: at, from: null, to: null }).then(
      (result) => {
        setBusy(null);
        setImported(result);
        void invalidateAfterImport(client, "azure_stack");
      },
      (e: unknown) => {
        setBusy(null);
        setError(toApiError(e));
      },
    );
  };

  return (
    <section aria-labelledby="stack-usage" data-testid="stack-usage">
      <h2 id="stack-usage">Azure Stack usage of {registration.at.name}</h2>
      {editing || !endpoint ? (
        <EndpointForm
          account={account}
          registration={registration}
          current={endpoint}
          onSaved={(saved) => {
            setEndpoint(saved);
            setEditing(false);
            void invalidate(client, stackKeys.endpoints(account.id));
          }}
          onCancel={endpoint ? () => { setEditing(false); } : null}
        />
      ) : (
        <div className="toolbar">
          <p className="muted" data-testid="stack-endpoint">
            Stack admin endpoint <span className="mono">{endpoint.endpoint}</span>, default provider subscription{" "}
            <span className="mono">{endpoint.providerSubscriptionId}</span>
          </p>
          <button type="button" onClick={() => { setEditing(true); }}>
            Change
          </button>
          <button
            type="button"
            className="primary"
            data-testid="stack-import-usage"
            disabled={busy !== null}
            onClick={importUsage}
          >
            Import usage
          </button>
        </div>
      )}
      {busy && (
        <p role="status" data-testid="stack-usage-busy">
          <span className="spinner" aria-hidden="true" /> {busy}
        </p>
      )}
      {shownError && (
        <Failed error={shownError} testId="stack-usage-error" />
      )}
      {imported && (
        <p role="status" data-testid="stack-usage-imported">
          Read {formatCount(imported.records)} daily usage records of {formatCount(imported.userSubscriptions)} Stack
          subscriptions, {formatDay(imported.from)} to {formatDay(imported.to)}
          {imported.replaced > 0 ? ` (replacing ${formatCount(imported.replaced)} read before)` : ""}.
        </p>
      )}
      {usage.isPending && <Loading>Loading the usage…</Loading>}
      {usage.isError && <Failed error={usage.error} retry={() => void usage.refetch()} />}
      {totals &&
        (totals.length === 0 ? (
          <Empty
            what="No usage imported"
            next={
              endpoint
                ? "Press Import usage to read this month's usage (to yesterday) from the Stack."
                : "Enter the Stack's admin endpoint first; then import its usage."
            }
          />
        ) : (
          <UsageTable totals={totals} showRegistration={false} />
        ))}
    </section>
  );
}

function EndpointForm({
  account,
  registration,
  current,
  onSaved,
  onCancel,
}: {
  account: AccountDto;
  registration: StackRegistrationDto;
  current: StackAdminEndpointDto | null;
  onSaved: (saved: StackAdminEndpointDto | null) => void;
  onCancel: (() => void) | null;
}) {
  const [endpoint, setEndpoint] = useState(current?.endpoint ?? "");
  const [provider, setProvider] = useState(current?.providerSubscriptionId ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const ids = { endpoint: useId(), provider: useId() };
  return (
    <form
      className="fields"
      data-testid="stack-endpoint-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        azureStack
          .setAdminEndpoint(account.id, { registration: registration.at, endpoint, providerSubscriptionId: provider })
          .then(
            (list) => {
              setBusy(false);
              onSaved(list.find((x) => sameAt(x.registration, registration.at)) ?? null);
            },
            (e: unknown) => {
              setBusy(false);
              setError(toApiError(e));
            },
          );
      }}
    >
      <div className="field">
        <label htmlFor={ids.endpoint}>Stack admin endpoint</label>
        <input
          id={ids.endpoint}
          data-testid="stack-endpoint-input"
          placeholder="https://adminmanagement.region.example.com"
          value={endpoint}
          onChange={(e) => { setEndpoint(e.target.value); }}
          aria-invalid={error?.field === "endpoint" ? true : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.provider}>Default provider subscription</label>
        <input
          id={ids.provider}
          data-testid="stack-provider-input"
          value={provider}
          onChange={(e) => { setProvider(e.target.value); }}
          aria-invalid={error?.field === "providerSubscriptionId" ? true : undefined}
        />
      </div>
      <button type="submit" disabled={busy || endpoint.trim() === "" || provider.trim() === ""}>
        Save endpoint
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      {error && (
        <Failed error={error} />
      )}
    </form>
  );
}

/** Rated usage per month and billed subscription, each openable to its meters. */
export function UsageTable({ totals, showRegistration }: { totals: StackUsageTotalDto[]; showRegistration: boolean }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="grid compact" data-testid="stack-usage-totals">
      <thead>
        <tr>
          <th scope="col">Month</th>
          {showRegistration && <th scope="col">Registration</th>}
          <th scope="col">Billed to</th>
          <th scope="col">Subscription</th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {totals.map((t) => {
          const key = `${t.month}/${t.registration.name}/${t.subscriptionId}`;
          return (
            <UsageRow
              key={key}
              total={t}
              showRegistration={showRegistration}
              open={open === key}
              onToggle={() => { setOpen(open === key ? null : key); }}
            />
          );
        })}
      </tbody>
    </table>
  );
}

function UsageRow({
  total: t,
  showRegistration,
  open,
  onToggle,
}: {
  total: StackUsageTotalDto;
  showRegistration: boolean;
  open: boolean;
  onToggle: () => void;
}) {
  return (
    <>
      <tr data-testid="stack-usage-row" data-attribution={t.attribution}>
        <td>{formatMonth(t.month)}</td>
        {showRegistration && <td>{t.registration.name}</td>}
        <td>
          <Disclosure open={open} onToggle={onToggle}>
            {t.attribution === "customer" ? (t.companyName ?? t.tenantId ?? "a customer") : "Default subscription (tenants not added)"}
          </Disclosure>
        </td>
        <td className="mono">{t.subscriptionId}</td>
        <td className="num" data-amount={t.amount} title={`Exactly ${exact(t.amount, t.currency)}`}>
          {formatMoney(t.amount, t.currency)}
          {t.unpricedLines > 0 && <span className="badge warning"> {formatCount(t.unpricedLines)} unpriced</span>}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={showRegistration ? 5 : 4}>
            <table className="grid compact" aria-label={`Meters of ${t.subscriptionId} in ${formatMonth(t.month)}`}>
              <thead>
                <tr>
                  <th scope="col">Meter</th>
                  <th scope="col" className="num">
                    Quantity
                  </th>
                  <th scope="col" className="num">
                    Rate
                  </th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.lines.map((l) => (
                  <tr key={l.meterId} data-testid="stack-usage-line">
                    <td>{l.meterName}</td>
                    <td className="num">
                      {formatDecimal(l.quantity)} {l.unit}
                    </td>
                    <td className="num">{l.rate === null ? "no price" : exact(l.rate, t.currency)}</td>
                    <td className="num">{l.amount === null ? "—" : exact(l.amount, t.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </td>
        </tr>
      )}
    </>
  );
}

/** Billing's view: every account's rated Azure Stack usage, which Microsoft bills through the
 * subscriptions it is attributed to. Hidden while nothing was imported. */
export function StackBilling() {
  const billed = useStackBilling();
  if (billed.error) return <Failed error={billed.error} lead="Azure Stack usage could not be read: " />;
  const rows = billed.data;
  if (!rows || rows.length === 0) return null;
  return (
    <section className="card" aria-labelledby="stack-billing-title" data-testid="stack-billing">
      <h2 id="stack-billing-title">Azure Stack usage</h2>
      <p className="muted">
        Rated from your Azure Stack Hubs&apos; own usage per vCPU-hour; Microsoft bills it to the subscription shown (the
        customer&apos;s when its tenant is added to the registration).
      </p>
      {rows.map((r) => (
        <div key={r.account.id}>
          {rows.length > 1 && <h3>{r.account.name}</h3>}
          <UsageTable totals={r.totals} showRegistration={true} />
        </div>
      ))}
    </section>
  );
}
