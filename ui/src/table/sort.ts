// Orderings for table columns: text as people read it ("Contoso 2" before "Contoso 10"),
// exact decimals (costs, quantities) without floating point, and blanks always last.
import { LOCALE } from "../locale";

const collator = new Intl.Collator(LOCALE, { numeric: true, sensitivity: "base" });

/** Text in the user's language order, case and accents ignored, digits by value. */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}

function split(text: string): { negative: boolean; whole: string; fraction: string } | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const whole = (m[2] ?? "0").replace(/^0+(?=\d)/, "");
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  const zero = whole === "0" && fraction === "";
  return { negative: m[1] === "-" && !zero, whole, fraction };
}

function compareMagnitude(a: { whole: string; fraction: string }, b: { whole: string; fraction: string }): number {
  if (a.whole.length !== b.whole.length) return a.whole.length - b.whole.length;
  if (a.whole !== b.whole) return a.whole < b.whole ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, "0");
  const fb = b.fraction.padEnd(width, "0");
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** Two decimal strings by value ("9.5" < "10", "-2" < "1"); anything else after them, as text. */
export function compareDecimal(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (!x || !y) return x ? -1 : y ? 1 : compareText(a, b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const m = compareMagnitude(x, y);
  return x.negative ? -m : m;
}

export type SortDirection = "ascending" | "descending";

/**
 * A stable sort of `rows` by `compare`, reversed for descending, except that blanks
 * (as `isBlank` says) stay at the end either way. With `groupOf` (an amount's currency) the
 * rows are grouped first, groups in ascending order whatever the direction, and sorted within
 * their group: two currencies are never compared as numbers.
 */
export function sortRows<T>(
  rows: readonly T[],
  compare: (a: T, b: T) => number,
  direction: SortDirection,
  isBlank: (row: T) => boolean = () => false,
  groupOf?: (row: T) => string,
): T[] {
  const sign = direction === "ascending" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const blankA = isBlank(a);
    const blankB = isBlank(b);
    if (blankA || blankB) return blankA === blankB ? 0 : blankA ? 1 : -1;
    if (groupOf) {
      const ga = groupOf(a);
      const gb = groupOf(b);
      if (ga !== gb) return ga < gb ? -1 : 1;
    }
    return sign * compare(a, b);
  });
}
