// One account's sign-in on the Accounts page: "Login with Microsoft", the wait for the
// browser (with the link and Cancel), who is signed in with which roles and until when,
// and "Sign in again" once consent has lapsed.
import { useEffect, useRef, useState } from "react";
import { signIn, toApiError, type AccountDto, type ApiError } from "../../ipc";
import { formatDate } from "../../format";

type Phase = { kind: "idle" } | { kind: "waiting"; url: string | null; opened: boolean } | { kind: "busy" };

export function SignInCell({ account, onChanged }: { account: AccountDto; onChanged: () => Promise<void> }) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [error, setError] = useState<ApiError | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const status = account.signIn;
  const waiting = phase.kind === "waiting";

  const waitingRef = useRef(false);

  useEffect(() => {
    waitingRef.current = waiting;
    // The Login button that had focus is replaced by the waiting panel: keep the keyboard there.
    if (waiting) cancelRef.current?.focus();
  }, [waiting]);

  useEffect(
    () => () => {
      // Leaving the page must not leave a sign-in waiting for ten minutes in the background.
      if (waitingRef.current) void signIn.cancel(account.id);
    },
    [account.id],
  );

  async function login() {
    setError(null);
    setPhase({ kind: "waiting", url: null, opened: true });
    try {
      await signIn.login(account.id, (e) => {
        setPhase({ kind: "waiting", url: e.url, opened: e.opened });
      });
      await onChanged();
    } catch (e) {
      const err = toApiError(e);
      // Cancelling is the user's own choice, not an error to show.
      if (err.code !== "SignInCancelled") setError(err);
    } finally {
      setPhase({ kind: "idle" });
    }
  }

  async function check() {
    setError(null);
    setPhase({ kind: "busy" });
    try {
      await signIn.verify(account.id);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setPhase({ kind: "idle" });
    }
    // A rejected token turns the row into "Sign in again"; reload either way.
    await onChanged();
  }

  async function logout() {
    setError(null);
    setPhase({ kind: "busy" });
    try {
      await signIn.logout(account.id);
      await onChanged();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setPhase({ kind: "idle" });
    }
  }

  if (phase.kind === "waiting") {
    return (
      <div className="sign-in waiting" role="status" data-testid="signin-waiting">
        <p>
          <span className="spinner" aria-hidden="true" />
          {phase.opened ? "Finish signing in in your browser…" : "No browser could be opened: open this link to sign in."}
        </p>
        {phase.url && (
          <label className="hint signin-link">
            Sign-in link (copy it into a browser if none opened)
            <input
              readOnly
              className="mono"
              value={phase.url}
              data-testid="signin-url"
              onFocus={(e) => {
                e.currentTarget.select();
              }}
            />
          </label>
        )}
        <button type="button" ref={cancelRef} onClick={() => void signIn.cancel(account.id)}>
          Cancel
        </button>
      </div>
    );
  }

  const errorLine = error && (
    <p className="field-error" role="alert" data-testid="signin-error">
      {error.message}
    </p>
  );

  if (status.state === "signedIn") {
    return (
      <div className="sign-in" data-testid="signin-status">
        <p>
          <span className="badge ok">Signed in</span> <strong data-testid="signin-upn">{status.upn}</strong>
        </p>
        <p className="hint">
          {status.roles.map((r) => r.name).join(", ") || "No directory role"} ·{" "}
          {status.access === "Admin" ? "Admin access" : "Read-only (finance) access"}
          {status.mfa ? " · MFA" : ""}
        </p>
        <p className={status.lapsingSoon ? "warning" : "hint"}>
          Consent given {formatDate(status.consentedAt)}; lapses {formatDate(status.lapsesAt)} unless used
          {status.lapsingSoon ? ". Sign in again soon to keep Discovery running." : ""}
        </p>
        <button type="button" onClick={() => void check()} disabled={phase.kind === "busy"} data-testid="signin-check">
          {phase.kind === "busy" ? "Checking…" : "Check sign-in"}
        </button>{" "}
        <button type="button" onClick={() => void logout()} disabled={phase.kind === "busy"} data-testid="signin-signout">
          Sign out
        </button>
        {errorLine}
      </div>
    );
  }

  return (
    <div className="sign-in">
      {status.state === "lapsed" && (
        <p className="warning" data-testid="signin-lapsed">
          The sign-in of {status.upn} lapsed on {formatDate(status.lapsedAt)}.
        </p>
      )}
      <button type="button" className="primary" data-testid="signin-login" onClick={() => void login()}>
        {status.state === "lapsed" ? "Sign in again" : "Login with Microsoft"}
      </button>
      {errorLine}
    </div>
  );
}
