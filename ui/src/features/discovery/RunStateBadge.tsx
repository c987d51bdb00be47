// The badge for a Discovery run's state. Each state has its own words, colour and mark, so
// colour is never the only signal; the text is exactly the label (tests read it).
import type { RunStateDto } from "../../ipc";
import { RUN_STATE_LABEL } from "./labels";

export function RunStateBadge({ state, testId }: { state: RunStateDto; testId?: string }) {
  return (
    <span className={`badge run-state run-${state}`} data-testid={testId} data-state={state}>
      {RUN_STATE_LABEL[state]}
    </span>
  );
}
