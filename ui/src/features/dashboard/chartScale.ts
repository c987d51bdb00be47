// The arithmetic of the Dashboard's charts, apart from their drawing so it can be tested:
// an axis's round ticks, the months of the trend with the gaps a missing invoice leaves,
// and whether a series has anything to show. Amounts become numbers here for the eye only
// (a bar's length); every figure shown as text stays the exact decimal string.
import { LOCALE } from "../../locale";
import type { MonthFiguresDto } from "../../ipc";

/** Round ticks from `low` to `high` (both included in the range they span), about `count` of them. */
export function ticks(low: number, high: number, count = 4): number[] {
  const lo = Math.min(0, low);
  const hi = Math.max(0, high);
  if (hi - lo <= 0) return [0];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  if ((out.at(-1) ?? 0) < hi) out.push((out.at(-1) ?? 0) + step);
  return out;
}

const compact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });

/** An axis label: short ("12K"); the exact amount is in the point's own text. */
export function axisLabel(n: number): string {
  return compact.format(n);
}

/** A decimal string as a number, for a length on screen; 0 when it is not a number. */
export function magnitude(amount: string): number {
  const n = Number(amount);
  return Number.isFinite(n) ? n : 0;
}

/** One month on the trend's axis: its figures, or null when the month has none (closed, not invoiced). */
export interface MonthSlot {
  period: string;
  figures: MonthFiguresDto | null;
}

function nextMonth(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/**
 * The trend's months in order, a month with no figures between two that have some kept as
 * a gap: a line drawn straight from October to December would hide that November is missing.
 */
export function monthSlots(months: readonly MonthFiguresDto[]): MonthSlot[] {
  const out: MonthSlot[] = [];
  for (const m of months) {
    const last = out.at(-1);
    if (last) {
      let p = nextMonth(last.period);
      // A bounded walk: a malformed period never loops for long.
      for (let i = 0; p < m.period && i < 24; i++, p = nextMonth(p)) out.push({ period: p, figures: null });
    }
    out.push({ period: m.period, figures: m });
  }
  return out;
}

/** Whether any amount differs from zero: a chart of zeros shows nothing worth drawing. */
export function anyNonZero(amounts: readonly string[]): boolean {
  return amounts.some((a) => magnitude(a) !== 0);
}
