// Azure Stack (#/stack/<accountId>/<subscription>/<resourceGroup>/<registration>): the partner's
// Azure Stack Hub registrations and, for one, the customer subscriptions whose tenants' Stack
// usage bills to that customer. Lists come from the database (offline, with when they were read);
// Refresh, Add, Remove and Verify call Azure. Each refusal is shown next to the action that
// caused it, in the backend's words (what it means, what to do); an item a refresh could not
// read is listed with why, not silently left out.
import { useCallback, useId, useState } from "react";
import {
  azureStack,
  toApiError,
  type AccountDto,
  type ApiError,
  type RegistrationRefDto,
  type StackCustomerSubscriptionDto,
  type StackOverviewDto,
  type StackRegistrationDto,
} from "../../ipc";
import { formatDateTime } from "../../format";
import { href } from "../../routing/route";
import { AccountScope } from "../../components/AccountScope";
import { RegistrationUsage } from "./StackUsage";
import { Failed, Loading } from "../../components/QueryState";
import { stackKeys, useStackChoices, useStackCustomers, useStackOverview } from "./queries";
import { label } from "../../labels";
import { useQueryClient } from "@tanstack/react-query";

const sameRegistration = (a: RegistrationRefDto, b: RegistrationRefDto) =>
  a.subscriptionId === b.subscriptionId && a.resourceGroup === b.resourceGroup && a.name === b.name;

export function AzureStackPage({ rest }: { rest: string[] }) {
  const [accountId, subscriptionId, resourceGroup, name] = rest;
  const selected: RegistrationRefDto | null =
    subscriptionId && resourceGroup && name ? { subscriptionId, resourceGroup, name } : null;
  return (
    <AccountScope
      page="stack"
      title="Azure Stack"
      accountId={accountId}
      noAccount={
        <>
          Add your partner account on the <a href={href("accounts")}>Accounts</a> page and sign in; then name the
          subscription that holds your Azure Stack Hub registrations here.
        </>
      }
    >
      {(account) => <Registrations key={account.id} account={account} selected={selected} />}
    </AccountScope>
  );
}

function Registrations({ account, selected }: { account: AccountDto; selected: RegistrationRefDto | null }) {
  const overview = useStackOverview(account.id);
  const client = useQueryClient();
  const overviewKey = stackKeys.overview(account.id);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [newSubscription, setNewSubscription] = useState("");
  const subscriptionField = useId();

  const act = (label: string, run: () => Promise<StackOverviewDto>) => {
    setBusy(label);
    setError(null);
    run().then(
      (data) => {
        client.setQueryData(overviewKey, data);
        setBusy(null);
      },
      (e: unknown) => {
        setError(toApiError(e));
        setBusy(null);
      },
    );
  };

  if (overview.isPending) return <Loading>Loading registrations…</Loading>;
  if (overview.isError) return <Failed error={overview.error} retry={() => void overview.refetch()} />;
  const data = overview.data;
  const current = selected ? data.registrations.find((r) => sameRegistration(r.at, selected)) : undefined;

  return (
    <>
      <section aria-labelledby="stack-registrations">
        <h2 id="stack-registrations">Registrations of {account.name}</h2>
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            data-testid="stack-refresh"
            disabled={busy !== null || data.subscriptions.length === 0}
            onClick={() => { act("Reading registrations from Azure…", () => azureStack.refresh(account.id)); }}
          >
            Refresh from Azure
          </button>
          <form
            className="fields"
            onSubmit={(e) => {
              e.preventDefault();
              act("Adding the subscription and reading its registrations…", () =>
                azureStack.addSubscription(account.id, newSubscription),
              );
            }}
          >
            <div className="field">
              <label htmlFor={subscriptionField}>Registration subscription</label>
              <input
                id={subscriptionField}
                data-testid="stack-subscription-input"
                placeholder="CSP subscription holding the registrations"
                value={newSubscription}
                onChange={(e) => { setNewSubscription(e.target.value); }}
                aria-invalid={error?.field === "subscriptionId" && !current ? true : undefined}
              />
            </div>
            <button type="submit" disabled={busy !== null || newSubscription.trim() === ""}>
              Add subscription
            </button>
          </form>
        </div>
        {busy && (
          <p role="status" data-testid="stack-busy">
            {busy}
          </p>
        )}
        {error && (
          <Failed error={error} testId="stack-error" />
        )}
        {data.setAside.length > 0 && (
          <div className="error" role="alert" data-testid="stack-set-aside">
            <p>
              Azure listed {data.setAside.length} item(s) CSP Desk could not read; they were not kept, the rest
              was:
            </p>
            <ul>
              {data.setAside.map((s) => (
                <li key={`${s.endpoint}#${String(s.index)}`}>
                  {s.reason} ({s.field}, item {s.index} of {s.endpoint})
                </li>
              ))}
            </ul>
          </div>
        )}
        {data.subscriptions.length === 0 ? (
          <div className="empty">
            <p className="empty-title">No registration subscription yet</p>
            <p>
              Enter the CSP (or CSP Shared Services) subscription your Azure Stack Hub was registered with, then press
              Add subscription. CSP Desk reads its registrations from Azure as the signed-in user.
            </p>
          </div>
        ) : data.registrations.length === 0 ? (
          <div className="empty">
            <p className="empty-title">No registrations read yet</p>
            <p>
              Press Refresh from Azure to read the registrations in {data.subscriptions.join(", ")}. If none appear,
              check that the Azure Stack Hub was registered with this subscription.
            </p>
          </div>
        ) : (
          <table className="grid compact" data-testid="stack-registrations">
            <thead>
              <tr>
                <th scope="col">Registration</th>
                <th scope="col">Subscription</th>
                <th scope="col">Resource group</th>
                <th scope="col">Billing model</th>
                <th scope="col">Cloud ID</th>
                <th scope="col" className="num">
                  Customer subscriptions
                </th>
                <th scope="col">Read</th>
              </tr>
            </thead>
            <tbody>
              {data.registrations.map((r) => (
                <tr
                  key={`${r.at.subscriptionId}/${r.at.resourceGroup}/${r.at.name}`}
                  aria-selected={current === r ? true : undefined}
                  data-billing-model={r.billingModel}
                >
                  <td>
                    <a
                      href={href("stack", account.id, r.at.subscriptionId, r.at.resourceGroup, r.at.name)}
                      data-testid={`stack-registration-${r.at.name}`}
                    >
                      {r.at.name}
                    </a>
                  </td>
                  <td className="mono">{r.at.subscriptionId}</td>
                  <td>{r.at.resourceGroup}</td>
                  <td>{label(r.billingModel)}</td>
                  <td className="mono">{r.cloudId}</td>
                  <td className="num">{r.customerSubscriptions}</td>
                  <td>
                    <time dateTime={r.readAt}>{formatDateTime(r.readAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {selected && !current && data.registrations.length > 0 && (
        <p className="error" role="alert">
          Registration {selected.name} is not among those last read. Press Refresh from Azure, or pick one above.
        </p>
      )}
      {current && (
        <CustomerSubscriptions
          key={`${current.at.subscriptionId}/${current.at.resourceGroup}/${current.at.name}`}
          account={account}
          registration={current}
          onChanged={(count) => {
            client.setQueryData(overviewKey, {
              ...data,
              registrations: data.registrations.map((r) => (r === current ? { ...r, customerSubscriptions: count } : r)),
            });
          }}
        />
      )}
      {current && (
        <RegistrationUsage
          key={`usage/${current.at.subscriptionId}/${current.at.resourceGroup}/${current.at.name}`}
          account={account}
          registration={current}
        />
      )}
    </>
  );
}

function CustomerSubscriptions({
  account,
  registration,
  onChanged,
}: {
  account: AccountDto;
  registration: StackRegistrationDto;
  onChanged: (count: number) => void;
}) {
  const client = useQueryClient();
  const at = registration.at;
  const list = useStackCustomers(account.id, at);
  const choices = useStackChoices(account.id).data ?? [];
  const setList = useCallback(
    (data: StackCustomerSubscriptionDto[]) => {
      client.setQueryData(stackKeys.customers(account.id, at), data);
    },
    [client, account.id, at],
  );
  const [subscription, setSubscription] = useState("");
  const [tenant, setTenant] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [addError, setAddError] = useState<ApiError | null>(null);
  const [rowError, setRowError] = useState<{ id: string; error: ApiError } | null>(null);
  const ids = { subscription: useId(), tenant: useId(), pick: useId(), refused: useId() };
  // Azure refuses customer subscriptions on a registration that is not PayAsYouUse: the form says so, disabled.
  const refuses = !registration.acceptsCustomers;

  const done = useCallback(
    (data: StackCustomerSubscriptionDto[]) => {
      setList(data);
      onChanged(data.length);
      setBusy(null);
    },
    [onChanged, setList],
  );

  const known = choices.find((c) => c.subscriptionId === subscription.trim().toLowerCase());
  const add = () => {
    setBusy("add");
    setAddError(null);
    setRowError(null);
    azureStack
      .addCustomer(account.id, {
        registration: at,
        subscriptionId: subscription,
        tenantId: tenant.trim() === "" ? null : tenant,
      })
      .then(
        (data) => {
          setSubscription("");
          setTenant("");
          done(data);
        },
        (e: unknown) => {
          setAddError(toApiError(e));
          setBusy(null);
        },
      );
  };
  const onRow = (id: string, run: () => Promise<StackCustomerSubscriptionDto[]>) => {
    setBusy(id);
    setRowError(null);
    setAddError(null);
    run().then(done, (e: unknown) => {
      const error = toApiError(e);
      setRowError({ id, error });
      setBusy(null);
      // A mapping Azure no longer has is dropped from the kept list by the backend.
      void azureStack.customers(account.id, at).then((data) => {
        setList(data);
        onChanged(data.length);
      });
    });
  };

  return (
    <section aria-labelledby="stack-customers">
      <h2 id="stack-customers">Customer subscriptions of {at.name}</h2>
      <p className="muted">
        Usage of tenants added here bills to their subscription; usage of any other tenant on this Azure Stack Hub bills
        to the registration's subscription {at.subscriptionId}.
      </p>
      {refuses && (
        <p className="banner" id={ids.refused} data-testid="stack-add-refused">
          This registration&apos;s billing model is {label(registration.billingModel)}: customer subscriptions can be added
          only to a registration billed {label("PayAsYouUse")}, so adding is off here. Re-register the Azure Stack Hub with
          that billing model to bill customers.
        </p>
      )}
      <form
        data-testid="stack-add-form"
        aria-describedby={refuses ? ids.refused : undefined}
        onSubmit={(e) => {
          e.preventDefault();
          if (!refuses) add();
        }}
      >
        <fieldset className="plain fields" disabled={refuses}>
        <legend className="visually-hidden">Add a customer subscription</legend>
        {choices.length > 0 && (
          <div className="field">
            <label htmlFor={ids.pick}>Discovered subscription</label>
            <select
              id={ids.pick}
              data-testid="stack-pick"
              value={known ? known.subscriptionId : ""}
              onChange={(e) => {
                const c = choices.find((x) => x.subscriptionId === e.target.value);
                setSubscription(c?.subscriptionId ?? "");
                setTenant(c?.tenantId ?? "");
              }}
            >
              <option value="">Pick a customer's Azure subscription…</option>
              {choices.map((c) => (
                <option key={c.subscriptionId} value={c.subscriptionId}>
                  {c.companyName} · {c.friendlyName ?? c.subscriptionId}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.subscription}>Customer subscription ID</label>
          <input
            id={ids.subscription}
            data-testid="stack-customer-subscription"
            value={subscription}
            onChange={(e) => { setSubscription(e.target.value); }}
            aria-invalid={addError?.field === "subscriptionId" ? true : undefined}
            aria-describedby={addError ? "stack-add-error" : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.tenant}>Customer tenant ID {known ? "(from Discovery)" : ""}</label>
          <input
            id={ids.tenant}
            data-testid="stack-customer-tenant"
            value={tenant}
            placeholder={known ? known.tenantId : "needed when Discovery has not seen the subscription"}
            onChange={(e) => { setTenant(e.target.value); }}
            aria-invalid={addError?.field === "tenantId" ? true : undefined}
          />
        </div>
        <button type="submit" data-testid="stack-add" disabled={busy !== null || subscription.trim() === ""}>
          {busy === "add" ? "Adding…" : "Add to registration"}
        </button>
        </fieldset>
      </form>
      {addError && (
        <p id="stack-add-error" className="error" role="alert" data-testid="stack-add-error">
          {addError.message}
        </p>
      )}
      {list.isPending ? (
        <Loading>Loading customer subscriptions…</Loading>
      ) : list.isError ? (
        <Failed error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <div className="empty">
          <p className="empty-title">No customer subscriptions</p>
          <p>
            Every tenant's usage on this Azure Stack Hub bills to {at.subscriptionId}. Add a customer's Azure
            subscription above to bill that customer.
          </p>
        </div>
      ) : (
        <table className="grid compact" data-testid="stack-customers">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Subscription</th>
              <th scope="col">Tenant</th>
              <th scope="col">Read</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((m) => (
              <tr key={m.subscriptionId} data-testid={`stack-customer-${m.subscriptionId}`}>
                <td>{m.companyName ?? "Not discovered"}</td>
                <td className="mono">
                  {m.subscriptionId}
                  {m.friendlyName && <div className="muted">{m.friendlyName}</div>}
                </td>
                <td className="mono">{m.tenantId}</td>
                <td>
                  <time dateTime={m.readAt}>{formatDateTime(m.readAt)}</time>
                </td>
                <td>
                  <button
                    type="button"
                    data-testid={`stack-verify-${m.subscriptionId}`}
                    title="Ask Azure whether this subscription is still added to the registration"
                    disabled={busy !== null}
                    onClick={() => { onRow(m.subscriptionId, () => azureStack.verifyCustomer(account.id, at, m.subscriptionId)); }
                    }
                  >
                    Verify
                  </button>{" "}
                  <button
                    type="button"
                    className="danger"
                    data-testid={`stack-remove-${m.subscriptionId}`}
                    disabled={busy !== null}
                    onClick={() => { onRow(m.subscriptionId, () => azureStack.removeCustomer(account.id, at, m.subscriptionId)); }
                    }
                  >
                    {busy === m.subscriptionId ? "Working…" : "Remove"}
                  </button>
                  {rowError?.id === m.subscriptionId && (
                    <p className="field-error" role="alert">
                      {rowError.error.message}
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rowError && !(list.data?.some((m) => m.subscriptionId === rowError.id)) && (
        <p className="error" role="alert">
          {rowError.id}: {rowError.error.message}
        </p>
      )}
    </section>
  );
}
