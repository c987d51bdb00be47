// The totals under a grid: one row per currency, each the exact sum of the rows shown (after
// search and filters) in that currency. Amounts of two currencies are never added together.
import { sumDecimals } from "../money";

export interface Money {
  amount: string;
  currency: string | null;
}

export interface CurrencyTotal {
  /** "" when the rows carry no currency. */
  currency: string;
  rows: number;
  /** Column key -> exact sum of that column's amounts in this currency. */
  sums: Record<string, string>;
}

/** Per currency (in code order), the sum of every money column over `rows`. */
export function totalsByCurrency<T>(
  rows: readonly T[],
  currencyOf: (row: T) => string,
  columns: readonly { key: string; money?: (row: T) => Money | null; total?: boolean }[],
): CurrencyTotal[] {
  const money = columns.filter((c) => c.money && c.total !== false);
  const groups = new Map<string, { rows: number; terms: Map<string, string[]> }>();
  for (const row of rows) {
    const currency = currencyOf(row);
    let group = groups.get(currency);
    if (!group) {
      group = { rows: 0, terms: new Map(money.map((c) => [c.key, []])) };
      groups.set(currency, group);
    }
    group.rows += 1;
    for (const c of money) {
      const m = c.money?.(row);
      // An amount in another currency than the row's (an export's) is not added to it.
      if (m && (m.currency ?? "") === currency) group.terms.get(c.key)?.push(m.amount);
    }
  }
  return (
    [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, g]) => ({
        currency,
        rows: g.rows,
        sums: Object.fromEntries([...g.terms.entries()].filter(([, t]) => t.length > 0).map(([k, t]) => [k, sumDecimals(t)])),
      }))
      // Rows without any amount (not rated yet) make no totals row of their own.
      .filter((t) => Object.keys(t.sums).length > 0)
  );
}
