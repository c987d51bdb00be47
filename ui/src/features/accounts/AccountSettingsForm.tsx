// Where one account signs in: its registered app (client) ID and, for sovereign clouds or
// proxies, the authority and API hosts. Errors land next to the field they name.
import { useId, useState, type SyntheticEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { read } from "../../data/queryClient";
import { accountKeys } from "./queries";
import { accounts, toApiError, type AccountSettingsDto, type ApiError } from "../../ipc";

const FIELDS: { key: keyof AccountSettingsDto; label: string; hint: string }[] = [
  {
    key: "clientId",
    label: "Application (client) ID",
    hint: "The native (public client) app registered for CSP Desk; add http://127.0.0.1 as a redirect URI in its manifest",
  },
  { key: "authority", label: "Authority", hint: "https://login.microsoftonline.com for the public cloud" },
  { key: "partnerCenterBase", label: "Partner Center API", hint: "https://api.partnercenter.microsoft.com" },
  { key: "armBase", label: "Azure Resource Manager", hint: "https://management.azure.com" },
];

export function AccountSettingsForm({ id, onSaved, onClose }: { id: string; onSaved: () => Promise<void>; onClose: () => void }) {
  const formId = useId();
  const [values, setValues] = useState<AccountSettingsDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const client = useQueryClient();
  const stored = useQuery({ queryKey: accountKeys.settings(id), queryFn: () => read(accounts.settings(id)) });
  // The stored settings seed the form once; after that the form's own state rules.
  if (values === null && stored.data) setValues(stored.data);

  async function save(e: SyntheticEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!values || busy) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const before = await accounts.settings(id);
      const after = await accounts.updateSettings(id, values);
      setValues(after);
      client.setQueryData(accountKeys.settings(id), after);
      const signedOut = before.clientId !== after.clientId || before.authority !== after.authority;
      setSaved(signedOut ? "Saved. The app or authority changed, so the account was signed out: sign in again." : "Saved.");
      await onSaved();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  if (!values) {
    const failed = error ?? stored.error;
    return failed ? <p className="field-error" role="alert">{failed.message}</p> : <p role="status">Loading settings…</p>;
  }

  const known = FIELDS.map((f) => f.key as string);
  return (
    <form className="settings" onSubmit={(e) => void save(e)} aria-label="Sign-in settings" data-testid="account-settings" noValidate>
      {FIELDS.map((f) => {
        const fieldError = error?.field === f.key ? error.message : null;
        const inputId = `${formId}-${f.key}`;
        return (
          <div className="field" key={f.key}>
            <label htmlFor={inputId}>{f.label}</label>
            <input
              id={inputId}
              className="mono"
              value={values[f.key]}
              data-testid={`settings-${f.key}`}
              spellCheck={false}
              aria-invalid={fieldError ? true : undefined}
              onChange={(e) => {
                setValues({ ...values, [f.key]: e.target.value });
                if (error?.field === f.key) setError(null);
              }}
            />
            {fieldError ? (
              <p className="field-error" role="alert" data-testid={`settings-error-${f.key}`}>
                {fieldError}
              </p>
            ) : (
              <p className="hint">{f.hint}</p>
            )}
          </div>
        );
      })}
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : "Save settings"}
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
        {saved ? (
          <span role="status">{saved}</span>
        ) : (
          <span className="hint">Changing the app or the authority signs the account out.</span>
        )}
      </div>
      {error && !known.includes(error.field ?? "") && (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      )}
    </form>
  );
}
