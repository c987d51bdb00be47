// The price chart's value axis. Prices move by a few percent from month to month, so the axis
// spans the prices held (padded), not zero to the highest: from zero, a 3 % change is a flat
// line. Its labels carry as many decimals as the step needs (0.0950, 0.0975, 0.1000), where
// the Dashboard's compact labels would print 0.1 three times. Numbers here place points on
// screen only; every price shown as text stays the exact decimal string.
import { LOCALE } from "../../locale";

export interface PriceAxis {
  /** Tick values, low to high; the first and last bound the plot. */
  ticks: number[];
  /** A tick's label. */
  label: (value: number) => string;
}

/** Round ticks around `values` (about `count` steps), labelled to the step's precision. */
export function priceAxis(values: readonly number[], count = 4): PriceAxis {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (finite.length === 0) [lo, hi] = [0, 1];
  // One price (or one price every month): a band of 10 % around it.
  const pad = hi > lo ? (hi - lo) * 0.1 : Math.abs(hi) * 0.05 || 1;
  lo = Math.max(0, lo - pad);
  hi += pad;
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks: number[] = [];
  for (let i = first; i <= last && ticks.length < 50; i++) ticks.push(i * step);
  // Decimals the step needs: 0.0025 needs 4, 0.5 needs 1, 20 needs none.
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / power === 2.5 ? 1 : 0)));
  const format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return { ticks: ticks.map((t) => Number(t.toFixed(decimals + 2))), label: (v) => format.format(v) };
}
