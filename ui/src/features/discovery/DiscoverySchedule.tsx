// When Discovery runs by itself: on or off, and the local times of day (06:00 and 18:00
// unless changed). The backend validates the times; its error lands next to the field.
import { useId, useState, type SyntheticEvent } from "react";
import { discovery, toApiError, type ApiError } from "../../ipc";
import { discoveryStore } from "./store";
import { discoveryKeys } from "./queries";
import { read } from "../../data/queryClient";
import { useQuery, useQueryClient } from "@tanstack/react-query";

/** "06:00, 18:00" or "06:00 18:00" -> ["06:00", "18:00"]; the backend judges each one. */
function parseTimes(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export function DiscoverySchedule({ readOnly }: { readOnly: boolean }) {
  const timesId = useId();
  const enabledId = useId();
  const [enabled, setEnabled] = useState(true);
  const [times, setTimes] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const client = useQueryClient();
  const schedule = useQuery({ queryKey: discoveryKeys.schedule(), queryFn: () => read(discovery.schedule()) });
  // The saved schedule seeds the form once; after that the form's own state rules.
  if (times === null && schedule.data) {
    setEnabled(schedule.data.enabled);
    setTimes(schedule.data.times.join(", "));
  }

  async function save(e: SyntheticEvent<HTMLFormElement>) {
    e.preventDefault();
    if (times === null || busy) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const s = await discovery.setSchedule({ enabled, times: parseTimes(times) });
      setEnabled(s.enabled);
      setTimes(s.times.join(", "));
      client.setQueryData(discoveryKeys.schedule(), s);
      setSaved(true);
      // The next run's time follows the schedule.
      await discoveryStore.refresh();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const timesError = error?.field === "times" ? error.message : null;
  const shown = error ?? schedule.error;
  const otherError = shown && shown.field !== "times" ? shown.message : null;

  return (
    <form
      className="card schedule"
      aria-label="Discovery schedule"
      data-testid="discovery-schedule"
      onSubmit={(e) => void save(e)}
      noValidate
    >
      <h3>Schedule</h3>
      {times === null ? (
        otherError ? (
          <p className="field-error" role="alert">
            {otherError}
          </p>
        ) : (
          <p role="status">Loading the schedule…</p>
        )
      ) : (
        <>
          <div className="checkbox-field">
            <input
              id={enabledId}
              type="checkbox"
              checked={enabled}
              disabled={readOnly}
              data-testid="schedule-enabled"
              onChange={(e) => {
                setEnabled(e.target.checked);
                setSaved(false);
              }}
            />
            <label htmlFor={enabledId}>Run Discovery for every account while CSP Desk is open</label>
          </div>
          <div className="fields">
            <div className="field">
              <label htmlFor={timesId}>At (local time, HH:MM)</label>
              <input
                id={timesId}
                className="mono"
                value={times}
                disabled={readOnly}
                data-testid="schedule-times"
                placeholder="06:00, 18:00"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={timesError ? true : undefined}
                aria-describedby={`${timesId}-${timesError ? "error" : "hint"}`}
                onChange={(e) => {
                  setTimes(e.target.value);
                  setSaved(false);
                  if (error?.field === "times") setError(null);
                }}
              />
              {timesError ? (
                <p id={`${timesId}-error`} className="field-error" role="alert" data-testid="schedule-error-times">
                  {timesError}
                </p>
              ) : (
                <p id={`${timesId}-hint`} className="hint">
                  Separate times with commas. Opening the app after 12 hours without a run starts one right away.
                </p>
              )}
            </div>
            {!readOnly && (
              <button type="submit" className="secondary" data-testid="schedule-save" disabled={busy}>
                {busy ? "Saving…" : "Save schedule"}
              </button>
            )}
          </div>
          {saved && (
            <p role="status" className="hint" data-testid="schedule-saved">
              Schedule saved.
            </p>
          )}
          {otherError && (
            <p className="field-error" role="alert" data-testid="schedule-error">
              {otherError}
            </p>
          )}
        </>
      )}
    </form>
  );
}
