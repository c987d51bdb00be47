// Accounts: register partner accounts (name + partner tenant id), list and delete them,
// and run Discovery for each. Errors from the backend land next to the field they name.
// Until a Discovery run has succeeded, a setup path (add -> sign in -> run Discovery) leads
// the page and only the current step's action is primary; once an account exists the Add
// form folds away behind "Add another partner account", so Start Discovery stays in view.
import { Disclosure } from "../../components/Disclosure";
import { useCallback, useEffect, useId, useRef, useState, type SyntheticEvent } from "react";
import { accounts, toApiError, type AccountDto, type ApiError } from "../../ipc";
import { formatDateTime } from "../../format";
import { SignInCell } from "./SignInCell";
import { AccountSettingsForm } from "./AccountSettingsForm";
import { DiscoveryPanel } from "../discovery/DiscoveryPanel";
import { DiscoverySchedule } from "../discovery/DiscoverySchedule";
import { discoveryStore, notStarted, useDiscovery } from "../discovery/store";
import { useQueryClient } from "@tanstack/react-query";
import { invalidate } from "../../data/queryClient";
import { Failed, Loading } from "../../components/QueryState";
import { accountKeys, useAccountsWithAccess } from "./queries";
import { SetupPath, setupStep, type SetupStep } from "./SetupPath";

export function AccountsPage() {
  const load = useAccountsWithAccess();
  const client = useQueryClient();
  const refresh = useCallback(() => {
    // Every page that picks an account reads the list again, and so does the access banner.
    void invalidate(client, accountKeys.all);
    return Promise.resolve();
  }, [client]);
  const { statuses, loaded } = useDiscovery();
  const readOnly = load.data?.info.access === "Finance";
  const list = load.data?.list ?? null;
  // Until Discovery's statuses are read, an account's last success is unknown: no path is shown
  // rather than one that flashes "Run Discovery" at a user whose data is already there.
  const step: SetupStep = list && (loaded || list.length === 0) ? setupStep(list, statuses) : "done";

  return (
    <section>
      <h1 id="page-title">Accounts</h1>
      <p className="lead">
        Your Microsoft partner accounts. Each one is a partner tenant that CSP Desk signs in to and discovers.
      </p>
      {!readOnly && <SetupPath step={step} />}
      {load.data?.info.access === "Finance" ? (
        <p className="banner" role="note" data-testid="finance-banner">
          {load.data.info.readOnlyDatabase ? (
            <>
              Read-only: this database was opened with --read-only. Browse and export; to run Discovery or change
              anything, start CSP Desk without --read-only.
            </>
          ) : (
            <>
              Read-only finance view: signed in as {load.data.info.accessReason}. Adding, removing and changing accounts
              needs a partner admin (Global Administrator).
            </>
          )}
        </p>
      ) : (
        list?.length === 0 && <AddAccountForm onAdded={refresh} />
      )}
      {load.isPending && <Loading>Loading accounts…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} />}
      {load.data && <AccountList list={load.data.list} onRemoved={refresh} readOnly={readOnly} />}
      {!readOnly && list && list.length > 0 && <AddAnother onAdded={refresh} />}
      {load.data && load.data.list.length > 0 && (
        <DiscoverySection list={load.data.list} readOnly={readOnly} primary={step === "discover" || step === "done"} />
      )}
    </section>
  );
}

/** The Add form once an account exists: folded behind one button, so the setup's next step stays in view. */
function AddAnother({ onAdded }: { onAdded: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="add-another">
      <Disclosure open={open} testId="account-add-another" onToggle={() => { setOpen(!open); }}>
        Add another partner account
      </Disclosure>
      {open && <AddAccountForm onAdded={onAdded} />}
    </div>
  );
}

function DiscoverySection({ list, readOnly, primary }: { list: AccountDto[]; readOnly: boolean; primary: boolean }) {
  const { statuses, error } = useDiscovery();
  const ids = list.map((a) => a.id).join(" ");

  useEffect(() => {
    // Every (re)listed account gets its current badge, last success and next run.
    void discoveryStore.refresh();
  }, [ids]);

  return (
    <section className="discovery-section" aria-labelledby="discovery-title">
      <h2 id="discovery-title">Discovery</h2>
      <p className="lead">
        Discovery imports each account's customers, subscriptions, usage, prices and invoices from Partner Center, and
        new commerce's billing from Microsoft Graph's exports.
        A stopped run resumes where it left off.
      </p>
      {error && (
        <Failed error={error} testId="discovery-error" />
      )}
      {list.map((a) => (
        <DiscoveryPanel key={a.id} account={a} status={statuses.get(a.id) ?? notStarted(a.id)} primary={primary} />
      ))}
      <DiscoverySchedule readOnly={readOnly} />
    </section>
  );
}

function AddAccountForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const nameId = useId();
  const tenantId = useId();
  const [name, setName] = useState("");
  const [tenant, setTenant] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: SyntheticEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await accounts.add({ name, tenantId: tenant });
      setName("");
      setTenant("");
      await onAdded();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const FIELDS = ["name", "tenantId"];
  const fieldError = (field: string) => (error?.field === field ? error.message : null);
  const nameError = fieldError("name");
  const tenantError = fieldError("tenantId");
  // An error naming no field on this form still needs a place next to the action.
  const formError = error && !FIELDS.includes(error.field ?? "") ? error.message : null;
  const clearErrorOf = (field: string) => {
    if (error?.field === field) setError(null);
  };

  return (
    <form className="card add-account" onSubmit={(e) => void submit(e)} aria-label="Add a partner account" noValidate>
      <h2>Add a partner account</h2>
      <div className="fields">
        <div className="field">
          <label htmlFor={nameId}>Account Name</label>
          <input
            id={nameId}
            data-testid="account-name"
            value={name}
            placeholder="Contoso CSP"
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${nameId}-error` : undefined}
            onChange={(e) => {
              setName(e.target.value);
              clearErrorOf("name");
            }}
          />
          {nameError && (
            <p id={`${nameId}-error`} className="field-error" data-testid="error-name" role="alert">
              {nameError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={tenantId}>Account Id (partner tenant ID)</label>
          <input
            id={tenantId}
            data-testid="account-tenant"
            value={tenant}
            placeholder="0a1b2c3d-0000-4000-8000-000000000001"
            autoComplete="off"
            spellCheck={false}
            className="mono"
            aria-invalid={tenantError ? true : undefined}
            aria-describedby={tenantError ? `${tenantId}-error` : `${tenantId}-hint`}
            onChange={(e) => {
              setTenant(e.target.value);
              clearErrorOf("tenantId");
            }}
          />
          {tenantError ? (
            <p id={`${tenantId}-error`} className="field-error" data-testid="error-tenantId" role="alert">
              {tenantError}
            </p>
          ) : (
            <p id={`${tenantId}-hint`} className="hint">
              Partner Center › Account settings › Organization profile › Account ID
            </p>
          )}
        </div>
        <button type="submit" data-testid="account-add" disabled={busy}>
          {busy ? "Adding…" : "Add account"}
        </button>
      </div>
      {formError && (
        <p className="error" role="alert" data-testid="error-form">
          {formError}
        </p>
      )}
    </form>
  );
}

function NoAccounts({ onAdded }: { onAdded: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function trySandbox() {
    setBusy(true);
    setError(null);
    try {
      await accounts.addSandbox();
      await onAdded();
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="empty" role="status" data-testid="accounts-empty">
      <p className="empty-title">No partner accounts yet</p>
      <p>Add your partner account above: a name your team recognises and the partner tenant ID from Partner Center.</p>
      <p>
        No Microsoft partner tenant at hand? The sandbox partner runs on a built-in Microsoft emulator, so you can
        try sign-in and everything after it.
      </p>
      <button type="button" data-testid="try-sandbox" onClick={() => void trySandbox()} disabled={busy}>
        {busy ? "Starting the sandbox…" : "Try the sandbox partner"}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function AccountList({
  list,
  onRemoved,
  readOnly,
}: {
  list: AccountDto[];
  onRemoved: () => Promise<void>;
  readOnly: boolean;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<{ id: string; message: string } | null>(null);
  const keepRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // The Delete button that opened the confirmation is gone; keep focus where the user is.
    if (confirming) keepRef.current?.focus();
  }, [confirming]);

  if (list.length === 0) {
    return <NoAccounts onAdded={onRemoved} />;
  }

  async function remove(id: string) {
    if (removing) return;
    setRemoving(true);
    setError(null);
    try {
      await accounts.remove(id);
      setConfirming(null);
      await onRemoved();
    } catch (e) {
      setError({ id, message: toApiError(e).message });
    } finally {
      setRemoving(false);
    }
  }

  return (
    <table className="grid" data-testid="accounts-table">
      <caption className="visually-hidden">Partner accounts</caption>
      <thead>
        <tr>
          <th scope="col">Account Name</th>
          <th scope="col">Partner tenant ID</th>
          <th scope="col">Sign-in</th>
          <th scope="col">Added</th>
          <th scope="col" className="actions">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.flatMap((a) => [
          <tr key={a.id} data-testid="account-row">
            <td>
              {a.name}
              {a.sandbox && <span className="badge">Sandbox</span>}
            </td>
            <td className="mono">{a.tenantId}</td>
            <td>
              <SignInCell account={a} onChanged={onRemoved} />
            </td>
            <td>
              <time dateTime={a.createdAt}>{formatDateTime(a.createdAt)}</time>
            </td>
            <td className="actions">
              {readOnly ? null : confirming === a.id ? (
                <span
                  className="confirm"
                  onKeyDown={(e) => {
                    if (e.key === "Escape") setConfirming(null);
                  }}
                >
                  Delete {a.name} and its sign-in?{" "}
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Yes, delete ${a.name}`}
                    disabled={removing}
                    onClick={() => void remove(a.id)}
                  >
                    Delete
                  </button>{" "}
                  <button
                    type="button"
                    ref={keepRef}
                    onClick={() => {
                      setConfirming(null);
                    }}
                  >
                    Keep
                  </button>
                </span>
              ) : (
                <>
                  {!a.sandbox && (
                    <button
                      type="button"
                      aria-label={`Settings of ${a.name}`}
                      aria-expanded={editing === a.id}
                      onClick={() => {
                        setEditing(editing === a.id ? null : a.id);
                      }}
                    >
                      Settings
                    </button>
                  )}{" "}
                  <button
                    type="button"
                    aria-label={`Delete ${a.name}`}
                    onClick={() => {
                      setConfirming(a.id);
                    }}
                  >
                    Delete
                  </button>
                </>
              )}
              {error?.id === a.id && (
                <p className="field-error" role="alert">
                  {error.message}
                </p>
              )}
            </td>
          </tr>,
          editing === a.id && !readOnly ? (
            <tr key={`${a.id}-settings`} className="settings-row">
              <td colSpan={5}>
                <AccountSettingsForm
                  id={a.id}
                  onSaved={onRemoved}
                  onClose={() => {
                    setEditing(null);
                  }}
                />
              </td>
            </tr>
          ) : null,
        ])}
      </tbody>
    </table>
  );
}
