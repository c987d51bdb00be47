// Cells Billing's tables share: a dash for what is missing, a day or a dash.
import { formatDay } from "../../format";

export const dash = <span className="hint">—</span>;
export const maybeDay = (d: string | null) => (d ? formatDay(d) : dash);
