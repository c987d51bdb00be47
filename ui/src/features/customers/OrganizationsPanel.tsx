// Organizations group the tenants of one real-world customer (a company with a tenant per
// country, say) so billing can add them up. Made from the customers checked in the table:
// create one, add the checked ones to one, remove members, delete with a confirmation.
// Each action's error is shown next to that action. Each organization links to its markup.
import { useEffect, useId, useRef, useState, type SyntheticEvent } from "react";
import { organizations, toApiError, type ApiError, type CustomerRef, type MarkupDto, type OrganizationDto } from "../../ipc";
import { formatCount, formatPercent } from "../../format";
import { markupHref } from "../../routing/route";

interface Props {
  organizations: OrganizationDto[];
  /** Markups in effect today, by organization id. */
  markups?: ReadonlyMap<string, MarkupDto>;
  /** The customers checked in the table. */
  selected: CustomerRef[];
  selectedNames: string[];
  /** After a change; `clearSelection` when the checked customers were used up. */
  onChanged: (clearSelection: boolean) => void;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function OrganizationsPanel({ organizations: list, markups, selected, selectedNames, onChanged }: Props) {
  return (
    <section className="card organizations" aria-labelledby="organizations-title" data-testid="organizations">
      <h2 id="organizations-title">Organizations</h2>
      <p className="hint">
        An organization groups the tenants of one customer, across partner accounts. Check customers in the table, then
        create an organization from them or add them to one.
      </p>
      <CreateOrganization selected={selected} selectedNames={selectedNames} onCreated={onChanged} />
      {list.length === 0 ? (
        <p className="hint" data-testid="organizations-empty">
          No organizations yet.
        </p>
      ) : (
        <ul className="org-list">
          {list.map((o) => (
            <OrganizationItem key={o.id} org={o} markup={markups?.get(o.id)} selected={selected} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateOrganization({
  selected,
  selectedNames,
  onCreated,
}: {
  selected: CustomerRef[];
  selectedNames: string[];
  onCreated: (clearSelection: boolean) => void;
}) {
  const nameId = useId();
  const [name, setName] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: SyntheticEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await organizations.create(name, selected);
      setName("");
      onCreated(true);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const nameError = error?.field === "name" ? error.message : null;
  const otherError = error && error.field !== "name" ? error.message : null;
  const names = selectedNames.slice(0, 3).join(", ") + (selectedNames.length > 3 ? ", …" : "");

  return (
    <form className="org-create" aria-label="Create an organization" onSubmit={(e) => void create(e)} noValidate>
      <div className="fields">
        <div className="field">
          <label htmlFor={nameId}>New organization</label>
          <input
            id={nameId}
            value={name}
            placeholder="Northwind Group"
            autoComplete="off"
            data-testid="org-name"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${nameId}-error` : `${nameId}-hint`}
            onChange={(e) => {
              setName(e.target.value);
              if (error?.field === "name") setError(null);
            }}
          />
          {nameError ? (
            <p id={`${nameId}-error`} className="field-error" role="alert" data-testid="org-error-name">
              {nameError}
            </p>
          ) : (
            <p id={`${nameId}-hint`} className="hint">
              {selected.length === 0 ? "Check its customers in the table first." : `With ${names}`}
            </p>
          )}
        </div>
        <button type="submit" data-testid="org-create" disabled={busy || selected.length === 0}>
          {busy ? "Creating…" : `Create from ${plural(selected.length, "customer", "customers")}`}
        </button>
      </div>
      {otherError && (
        <p className="field-error" role="alert" data-testid="org-error">
          {otherError}
        </p>
      )}
    </form>
  );
}

function OrganizationItem({
  org,
  markup,
  selected,
  onChanged,
}: {
  org: OrganizationDto;
  markup: MarkupDto | undefined;
  selected: CustomerRef[];
  onChanged: (clearSelection: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keepRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // The Delete button that asked is gone; keep the keyboard on the safe choice.
    if (confirming) keepRef.current?.focus();
  }, [confirming]);

  async function act(action: () => Promise<unknown>, clearSelection: boolean) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
      setConfirming(false);
      onChanged(clearSelection);
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="org" data-testid="org">
      <div className="org-head">
        <strong data-testid="org-title">{org.name}</strong>
        <span className="hint">{plural(org.members.length, "tenant", "tenants")}</span>
        <a
          href={markupHref({ kind: "organization", organization: org.id })}
          aria-label={`Markup of ${org.name}${markup?.percent ? `: ${formatPercent(markup.percent)}` : ""}`}
          data-testid="org-markup"
        >
          Markup{markup?.percent ? ` ${formatPercent(markup.percent)}` : ""}
        </a>
        <span className="org-actions">
          <button
            type="button"
            data-testid="org-add"
            disabled={busy || selected.length === 0}
            onClick={() => void act(() => organizations.addMembers(org.id, selected), true)}
          >
            Add {plural(selected.length, "checked customer", "checked customers")}
          </button>{" "}
          {confirming ? (
            <span
              className="confirm"
              onKeyDown={(e) => {
                if (e.key === "Escape") setConfirming(false);
              }}
            >
              Delete {org.name}? Its customers stay.{" "}
              <button
                type="button"
                className="danger"
                aria-label={`Yes, delete ${org.name}`}
                data-testid="org-delete-confirm"
                disabled={busy}
                onClick={() => void act(() => organizations.remove(org.id), false)}
              >
                Delete
              </button>{" "}
              <button
                type="button"
                ref={keepRef}
                onClick={() => {
                  setConfirming(false);
                }}
              >
                Keep
              </button>
            </span>
          ) : (
            <button
              type="button"
              aria-label={`Delete ${org.name}`}
              data-testid="org-delete"
              onClick={() => {
                setConfirming(true);
              }}
            >
              Delete
            </button>
          )}
        </span>
      </div>
      {error && (
        <p className="field-error" role="alert" data-testid="org-action-error">
          {error}
        </p>
      )}
      {org.members.length > 0 && (
        <ul className="org-members" aria-label={`Tenants of ${org.name}`}>
          {org.members.map((m) => (
            <li key={`${m.accountId}/${m.customerId}`} data-testid="org-member">
              {m.companyName} <span className="hint">{m.domain}</span>
              {" · "}
              <span className="hint">{m.accountName}</span>{" "}
              <button
                type="button"
                className="link"
                aria-label={`Remove ${m.companyName} from ${org.name}`}
                disabled={busy}
                onClick={() =>
                  void act(
                    () => organizations.removeMembers(org.id, [{ accountId: m.accountId, customerId: m.customerId }]),
                    false,
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
