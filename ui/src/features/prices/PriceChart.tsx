// A meter's USD unit price by month, one line per tier (and market, when a meter is priced in
// more than one), drawn in the page like the Dashboard's charts. A month without a sheet is a
// gap in every line. Each point is reachable with Tab and names its month, tier and price; the
// exact prices are in the table under the chart.
import { useState } from "react";
import type { MeterPriceDto } from "../../ipc";
import { formatMonth } from "../../format";
import { magnitude } from "../dashboard/chartScale";
import { priceAxis } from "./priceAxis";
import { tierRange, unitPrice } from "./SheetGrid";

const W = 560;
const H = 240;
const LEFT = 52;
const RIGHT = 12;
const TOP = 20;
const BOTTOM = 36;
/** Series colours: dark to light, told apart by dash too (the legend repeats both). */
const COLOURS = ["#0f4c81", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490"];
const DASHES = ["", "6 3", "2 3", "8 3 2 3", "", "6 3"];

export interface Series {
  key: string;
  label: string;
  /** By month. */
  points: Map<string, MeterPriceDto>;
}

/** The tiers as series, in tier order; the label names the market only when there are several. */
export function tierSeries(prices: readonly MeterPriceDto[]): Series[] {
  const markets = new Set(prices.map((p) => p.market));
  const out = new Map<string, Series>();
  for (const p of prices) {
    const key = `${p.market}/${p.tierMin}`;
    let s = out.get(key);
    if (!s) {
      const tier = `Tier ${tierRange(p.tierMin, p.tierMax)}`;
      s = { key, label: markets.size > 1 ? `${p.market} ${tier}` : tier, points: new Map() };
      out.set(key, s);
    }
    s.points.set(p.month, p);
  }
  return [...out.values()].sort((a, b) => magnitude(a.key.split("/")[1] ?? "0") - magnitude(b.key.split("/")[1] ?? "0"));
}

function nextMonth(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** Every month from the first to the last held, the ones without a sheet included (gaps). */
export function monthAxis(prices: readonly MeterPriceDto[]): string[] {
  const held = [...new Set(prices.map((p) => p.month))].sort();
  const first = held[0];
  const last = held.at(-1);
  if (!first || !last) return [];
  const out: string[] = [];
  // Bounded: a malformed month never loops for long.
  for (let m = first; m <= last && out.length < 240; m = nextMonth(m)) out.push(m);
  return out;
}

export function PriceChart({ prices, title }: { prices: MeterPriceDto[]; title: string }) {
  const [active, setActive] = useState<string | null>(null);
  const series = tierSeries(prices);
  const months = monthAxis(prices);
  const values = prices.map((p) => magnitude(p.unitPrice));
  const { ticks: axis, label: axisLabel } = priceAxis(values);
  const lo = axis[0] ?? 0;
  const hi = axis.at(-1) ?? 1;
  const step = (W - LEFT - RIGHT) / Math.max(1, months.length);
  const x = (i: number) => LEFT + step * (i + 0.5);
  const y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / (hi - lo || 1));
  const compact = step < 48;
  const currency = prices[0]?.currency ?? "USD";

  return (
    <div className="chart-body price-chart">
      <ul className="chart-legend" aria-label="Tiers">
        {series.map((s, i) => (
          <li key={s.key}>
            <svg width="22" height="10" aria-hidden="true">
              <line x1="0" x2="22" y1="5" y2="5" stroke={COLOURS[i % COLOURS.length]} strokeWidth="3" strokeDasharray={DASHES[i % DASHES.length]} />
            </svg>{" "}
            {s.label}
          </li>
        ))}
      </ul>
      <div className="chart-plot">
        <svg viewBox={`0 0 ${W} ${H}`} role="group" aria-label={title} data-testid="price-chart">
          {axis.map((t) => (
            <g key={t} className="chart-grid" aria-hidden="true">
              <line x1={LEFT} x2={W - RIGHT} y1={y(t)} y2={y(t)} />
              <text x={LEFT - 6} y={y(t) + 4} textAnchor="end">
                {axisLabel(t)}
              </text>
            </g>
          ))}
          <text className="chart-unit" x={4} y={12} aria-hidden="true">
            {currency}
          </text>
          {months.map((m, i) => (
            <text key={m} className="chart-month" x={x(i)} y={H - BOTTOM + 16} textAnchor="middle" aria-hidden="true">
              {compact && i % 2 === 1 ? "" : formatMonth(m)}
            </text>
          ))}
          {series.map((s, si) => {
            // A line per run of months with a price: a month without a sheet breaks it.
            const runs: string[][] = [];
            let run: string[] = [];
            months.forEach((m, i) => {
              const p = s.points.get(m);
              if (!p) {
                if (run.length) runs.push(run);
                run = [];
                return;
              }
              run.push(`${x(i).toFixed(1)},${y(magnitude(p.unitPrice)).toFixed(1)}`);
            });
            if (run.length) runs.push(run);
            const colour = COLOURS[si % COLOURS.length];
            return (
              <g key={s.key} data-testid="price-series">
                {runs
                  .filter((r) => r.length > 1)
                  .map((r) => (
                    <polyline key={r.join(" ")} points={r.join(" ")} fill="none" stroke={colour} strokeWidth={2} strokeDasharray={DASHES[si % DASHES.length]} />
                  ))}
                {months.map((m, i) => {
                  const p = s.points.get(m);
                  if (!p) return null;
                  const id = `${s.key}@${m}`;
                  return (
                    <circle
                      key={id}
                      cx={x(i)}
                      cy={y(magnitude(p.unitPrice))}
                      r={active === id ? 6 : 4}
                      fill={colour}
                      tabIndex={0}
                      role="img"
                      aria-label={`${formatMonth(m)}, ${s.label}: ${unitPrice(p.unitPrice, p.currency)}`}
                      data-testid="price-point"
                      onMouseEnter={() => {
                        setActive(id);
                      }}
                      onMouseLeave={() => {
                        setActive(null);
                      }}
                      onFocus={() => {
                        setActive(id);
                      }}
                      onBlur={() => {
                        setActive(null);
                      }}
                    >
                      <title>{`${formatMonth(m)}, ${s.label}: ${unitPrice(p.unitPrice, p.currency)}`}</title>
                    </circle>
                  );
                })}
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
}
