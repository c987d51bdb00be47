// "Export CSV" for any table: asks the backend (which shows the save dialog), says how many
// rows went where, or why it failed, next to the button. The Excel choice adds a byte-order
// mark and is remembered.
import { useState } from "react";
import { exports, toApiError, type ApiError, type ExportRequestDto, type ExportedDto } from "../ipc";
import { formatCount } from "../format";

const BOM_KEY = "cspdesk.export.bom";

function rememberedBom(): boolean {
  try {
    return window.localStorage.getItem(BOM_KEY) === "1";
  } catch {
    return false;
  }
}

export function ExportButton({
  request,
  label = "Export CSV",
  testId = "export-csv",
}: {
  /** The export, built when pressed (so it carries the rows in view at that moment). */
  request: (bom: boolean) => ExportRequestDto;
  label?: string;
  testId?: string;
}) {
  const [bom, setBom] = useState(rememberedBom);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportedDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function run() {
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      setDone(await exports.csv(request(bom)));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="export">
      <button type="button" data-testid={testId} disabled={busy} onClick={() => void run()}>
        {busy ? "Exporting…" : label}
      </button>
      <label className="check hint">
        <input
          type="checkbox"
          checked={bom}
          onChange={(e) => {
            setBom(e.target.checked);
            try {
              window.localStorage.setItem(BOM_KEY, e.target.checked ? "1" : "0");
            } catch {
              // Private mode: the choice lasts this session only.
            }
          }}
        />{" "}
        for Excel
      </label>
      {done && (
        <span className="hint" role="status" data-testid={`${testId}-done`}>
          Saved {formatCount(done.rows)} {done.rows === 1 ? "row" : "rows"} to {done.path}
        </span>
      )}
      {error && (
        <span className="field-error" role="alert" data-testid={`${testId}-error`}>
          {error.message}
        </span>
      )}
    </div>
  );
}
