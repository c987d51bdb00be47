// Which columns a table shows and how wide, remembered per table (its id) in localStorage, so
// a finance user's chosen layout survives a restart. Only the user's choices are stored: a
// column the app adds later shows as its definition says.

export interface ColumnPrefs {
  /** Columns shown although hidden by default. */
  shown: string[];
  /** Columns hidden although shown by default. */
  hidden: string[];
  /** Widths in px the user dragged to. */
  widths: Record<string, number>;
}

const EMPTY: ColumnPrefs = { shown: [], hidden: [], widths: {} };
export const MIN_WIDTH = 48;
export const MAX_WIDTH = 1200;

const storageKey = (tableId: string) => `cspdesk.grid.${tableId}`;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function loadPrefs(tableId: string): ColumnPrefs {
  try {
    const raw = window.localStorage.getItem(storageKey(tableId));
    if (!raw) return EMPTY;
    const v = JSON.parse(raw) as Partial<Record<keyof ColumnPrefs, unknown>>;
    const widths: Record<string, number> = {};
    if (v.widths && typeof v.widths === "object") {
      for (const [k, w] of Object.entries(v.widths as Record<string, unknown>)) {
        if (typeof w === "number" && Number.isFinite(w)) widths[k] = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(w)));
      }
    }
    return { shown: strings(v.shown), hidden: strings(v.hidden), widths };
  } catch {
    // Storage off or a damaged entry: the defaults.
    return EMPTY;
  }
}

export function savePrefs(tableId: string, prefs: ColumnPrefs): void {
  try {
    const empty = prefs.shown.length === 0 && prefs.hidden.length === 0 && Object.keys(prefs.widths).length === 0;
    if (empty) window.localStorage.removeItem(storageKey(tableId));
    else window.localStorage.setItem(storageKey(tableId), JSON.stringify(prefs));
  } catch {
    // Storage full or off: the layout lasts this session only.
  }
}

/** Whether a column shows, given its default and the user's choice. */
export function isShown(prefs: ColumnPrefs, key: string, hiddenByDefault: boolean): boolean {
  return hiddenByDefault ? prefs.shown.includes(key) : !prefs.hidden.includes(key);
}

/** The prefs with `key` shown or hidden. */
export function withShown(prefs: ColumnPrefs, key: string, hiddenByDefault: boolean, show: boolean): ColumnPrefs {
  const shown = prefs.shown.filter((k) => k !== key);
  const hidden = prefs.hidden.filter((k) => k !== key);
  if (hiddenByDefault && show) shown.push(key);
  if (!hiddenByDefault && !show) hidden.push(key);
  return { ...prefs, shown, hidden };
}
