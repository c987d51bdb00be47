// One Export menu per table: "Export CSV" exports what is seen at once, and the menu beside it
// holds the other forms of the same rows (an Excel-safe CSV, FOCUS, the customer-facing file),
// where each table used to have its own buttons and an Excel checkbox. The backend shows the
// save dialog; the menu says how many rows went where, or why it failed.
import { useState } from "react";
import { exports, toApiError, type ApiError, type ExportRequestDto, type ExportedDto } from "../ipc";
import { formatCount } from "../format";

export interface ExportChoice {
  /** The menu item's test id ("export-focus-csv"). */
  testId: string;
  label: string;
  /** With a byte-order mark, so Excel reads the accents and currency signs right. */
  bom: boolean;
  /** The export, built when chosen (so it carries the rows in view at that moment). */
  request: (bom: boolean) => ExportRequestDto;
}

export function ExportMenu({
  request,
  more = [],
  testId = "export-csv",
}: {
  /** The table's plain CSV. */
  request: (bom: boolean) => ExportRequestDto;
  /** Other forms of the same rows (FOCUS, customer-facing). */
  more?: readonly ExportChoice[];
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ testId: string; result: ExportedDto } | null>(null);
  const [error, setError] = useState<{ testId: string; error: ApiError } | null>(null);
  const [open, setOpen] = useState(false);

  async function run(choice: ExportChoice) {
    setOpen(false);
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const result = await exports.csv(choice.request(choice.bom));
      // Null: the save dialog was cancelled.
      setDone(result ? { testId: choice.testId, result } : null);
    } catch (e) {
      setError({ testId: choice.testId, error: toApiError(e) });
    } finally {
      setBusy(false);
    }
  }

  const plain: ExportChoice = { testId, label: "CSV", bom: false, request };
  const choices: ExportChoice[] = [{ testId: `${testId}-excel`, label: "CSV for Excel", bom: true, request }, ...more];

  return (
    <div className="export">
      <span className="export-menu">
        <button type="button" data-testid={testId} disabled={busy} onClick={() => void run(plain)}>
          {busy ? "Exporting…" : "Export CSV"}
        </button>
        <button
          type="button"
          className="export-more"
          aria-label="More export formats"
          aria-haspopup="menu"
          aria-expanded={open}
          data-testid={`${testId}-more`}
          disabled={busy}
          onClick={() => {
            setOpen((o) => !o);
          }}
        >
          ▾
        </button>
        <ul role="menu" className="export-choices" hidden={!open}>
          {choices.map((c) => (
            <li key={c.testId} role="none">
              <button type="button" role="menuitem" data-testid={c.testId} disabled={busy} onClick={() => void run(c)}>
                {c.label}
              </button>
            </li>
          ))}
        </ul>
      </span>
      {done && (
        <span className="hint" role="status" data-testid={`${done.testId}-done`}>
          Saved {formatCount(done.result.rows)} {done.result.rows === 1 ? "row" : "rows"} to {done.result.path}
        </span>
      )}
      {error && (
        <span className="field-error" role="alert" data-testid={`${error.testId}-error`}>
          {error.error.message}
        </span>
      )}
    </div>
  );
}

/** The Export menu of a table with one form of export (kept for callers written before the menu). */
export function ExportButton({ request, testId }: { request: (bom: boolean) => ExportRequestDto; label?: string; testId?: string }) {
  return testId === undefined ? <ExportMenu request={request} /> : <ExportMenu request={request} testId={testId} />;
}
