// The Microsoft Graph billing exports of a running Discovery: how many are settled, and each
// one still under way in words ("the billed usage export of G000000001: blob 2 of 5, 12,400
// rows"), since Microsoft may take minutes to prepare an export and the bar alone would stall.
import type { ExportProgressDto } from "../../ipc";
import { formatCount } from "../../format";
import { EXPORT_STAGE_LABEL } from "./labels";

/** Stages after which an export needs nothing more in this run. */
const SETTLED = new Set(["unchanged", "noData", "done", "stopped", "failed"]);

function stageText(e: ExportProgressDto): string {
  if (e.stage === "downloading" && e.blob !== null && e.blobs !== null) {
    return `blob ${formatCount(e.blob)} of ${formatCount(e.blobs)}, ${formatCount(e.rows)} rows`;
  }
  if (e.stage === "writing") return `writing ${formatCount(e.rows)} rows`;
  return EXPORT_STAGE_LABEL[e.stage];
}

export function ExportPhases({ exports }: { exports: ExportProgressDto[] }) {
  if (exports.length === 0) return null;
  const active = exports.filter((e) => !SETTLED.has(e.stage));
  const count = (stage: ExportProgressDto["stage"]) => exports.filter((e) => e.stage === stage).length;
  const settled = [
    count("done") > 0 && `${formatCount(count("done"))} read`,
    count("unchanged") > 0 && `${formatCount(count("unchanged"))} unchanged`,
    count("noData") > 0 && `${formatCount(count("noData"))} without data yet`,
  ].filter(Boolean);
  return (
    <div className="discovery-exports" data-testid="discovery-exports">
      <p className="hint">
        Microsoft Graph billing exports: {formatCount(exports.length)}
        {settled.length > 0 && ` (${settled.join(", ")})`}
      </p>
      {active.length > 0 && (
        <ul aria-label="Exports under way">
          {active.slice(0, 4).map((e) => (
            <li key={e.export} data-testid="discovery-export" data-stage={e.stage}>
              {e.export}: {stageText(e)}
            </li>
          ))}
          {active.length > 4 && <li>and {formatCount(active.length - 4)} more under way</li>}
        </ul>
      )}
    </div>
  );
}
