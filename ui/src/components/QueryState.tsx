// The three states a page shows besides its data, written once: loading (a status line in the
// page's own words), empty (what would be here and the next step to fill it) and failed (the
// backend's message with Try again). Pages pick them from their query's state.
import type { ReactNode } from "react";
import type { ApiError } from "../ipc";

/** A polite status line while data is read, e.g. "Loading invoices…". */
export function Loading({ children }: { children: ReactNode }) {
  return <p role="status">{children}</p>;
}

/** Nothing to show yet: what would be here, and what to do next. */
export function Empty({ what, next, testId }: { what: string; next?: ReactNode; testId?: string }) {
  return (
    <div className="empty" role="status" data-testid={testId}>
      <p className="empty-title">{what}</p>
      {next !== undefined && <p>{next}</p>}
    </div>
  );
}

/** The backend's {code, message} as the user reads it, with Try again when the read can be repeated.
 * `lead` goes before the message ("Azure costs from exports could not be read: "). */
export function Failed({
  error,
  retry,
  lead,
  testId,
}: {
  error: ApiError;
  retry?: () => void;
  lead?: string;
  testId?: string;
}) {
  return (
    <div className="error" role="alert" data-testid={testId}>
      <p>
        {lead}
        {error.message}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
