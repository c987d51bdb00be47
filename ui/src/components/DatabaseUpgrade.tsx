// Opening the database: an older CSP Desk's file is upgraded on a thread when the app
// starts, and converting a large partner's usage takes minutes. Until it is done every page
// would answer "Upgrading", so the frame shows this instead: which migration runs, for how
// long, and a count that moves while SQLite works (there is no row count to show: each
// migration is one SQL batch). Read again every half second until the database is open.
import { useEffect, useState } from "react";
import type { DatabaseOpeningDto } from "../ipc";
import { appDatabaseState } from "../ipc/commands";
import { formatCount, formatDuration } from "../format";

const POLL_MS = 500;

/** Where opening stands; `null` until the first answer. Stops reading once it is settled. */
export function useDatabaseOpening(): DatabaseOpeningDto | null {
  const [opening, setOpening] = useState<DatabaseOpeningDto | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      appDatabaseState().then(
        (s) => {
          if (!live) return;
          setOpening(s);
          if (s.state === "upgrading") timer = setTimeout(read, POLL_MS);
        },
        // An app without the command (never in the shipped shell): carry on as open, the
        // pages say what is wrong.
        () => {
          if (live) setOpening({ state: "ready", step: 0, steps: 0, what: "", beats: 0, elapsedMs: 0, error: null });
        },
      );
    };
    read();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, []);
  return opening;
}

export function DatabaseUpgrade({ opening }: { opening: DatabaseOpeningDto }) {
  return (
    <section className="upgrade" aria-labelledby="page-title" data-testid="database-upgrade">
      <h1 id="page-title">Upgrading the database</h1>
      <p className="lead">
        This version of CSP Desk stores your data in a new form. It converts the database once; a large partner's
        usage takes a few minutes. The pages open when it is done.
      </p>
      <div className="discovery-progress" role="status" aria-live="polite">
        {/* No fraction to show: SQLite runs each step as one batch. */}
        <progress aria-label="Upgrade in progress" />
        <span data-testid="upgrade-step">
          {opening.steps > 0 ? (
            <>
              Step {formatCount(opening.step)} of {formatCount(opening.steps)}: {opening.what}
            </>
          ) : (
            "Starting"
          )}
          {" · "}
          {formatDuration(opening.elapsedMs)} so far
          {opening.beats > 0 && <span className="hint"> · {formatCount(opening.beats)} progress beats</span>}
        </span>
      </div>
      <p className="hint">
        Closing CSP Desk now is safe: nothing is lost, and the upgrade goes on the next time it starts.
      </p>
    </section>
  );
}
