// Cost and resale by month, drawn in the page: both lines visible (resale wide and light
// underneath, cost narrow and dark on top, so equal figures still show two lines), the month
// so far and a closed month not invoiced yet (rated usage with markups) dashed and labelled,
// a month with no figures left as a gap and named. Each month is one link (Tab reaches it, hover or focus shows its figures) to Billing for that month.
import { LOCALE } from "../../locale";
import { useState } from "react";
import type { MonthFiguresDto } from "../../ipc";
import { formatMoney, formatMonth } from "../../format";
import { href } from "../../routing/route";
import { axisLabel, magnitude, monthSlots, ticks } from "./chartScale";

const W = 480;
const H = 240;
const LEFT = 44;
const RIGHT = 12;
const TOP = 24;
const BOTTOM = 44;

/** Billing for one month: its invoices, or what is not invoiced yet. */
export function billingMonthHref(period: string): string {
  return `${href("billing")}?month=${encodeURIComponent(period)}`;
}

const monthName = new Intl.DateTimeFormat(LOCALE, { month: "short", timeZone: "UTC" });

/** The axis label of a month: "Oct 2026", or "Oct" with the year under January and the first month when space is short. */
function axisMonth(period: string, first: boolean, compact: boolean): [string, string | null] {
  if (!compact) return [formatMonth(period), null];
  const [y, m] = period.split("-").map(Number) as [number, number];
  return [monthName.format(Date.UTC(y, m - 1, 1)), first || m === 1 ? String(y) : null];
}

/** What qualifies a month's figures: the month so far, or rated but not invoiced yet. */
function monthNote(m: MonthFiguresDto): string {
  if (m.open) return " (so far)";
  return m.notInvoiced ? " (rated, not invoiced yet)" : "";
}

/** Drawn dashed and hollow: figures that are not an invoice's. */
function estimated(m: MonthFiguresDto): boolean {
  return m.open || m.notInvoiced;
}

function monthText(m: MonthFiguresDto, currency: string): string {
  return `${formatMonth(m.period)}${monthNote(m)}: cost ${formatMoney(m.cost, currency)}, resale ${formatMoney(m.resale, currency)}`;
}

export function TrendChart({ months, currency, title }: { months: MonthFiguresDto[]; currency: string; title: string }) {
  const [active, setActive] = useState<string | null>(null);
  const slots = monthSlots(months);
  const values = months.flatMap((m) => [magnitude(m.cost), magnitude(m.resale)]);
  const axis = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = axis[0] ?? 0;
  const hi = axis.at(-1) ?? 1;
  const span = hi - lo || 1;
  const step = (W - LEFT - RIGHT) / Math.max(1, slots.length);
  const x = (i: number) => LEFT + step * (i + 0.5);
  // Twelve months and a gap leave about 32 px a month: the year moves to a line of its own.
  const compact = step < 56;
  const y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / span);

  // A line per run of months with figures: a gap breaks it; a segment into a month that is not an
  // invoice's (not invoiced yet, or so far) is dashed.
  function segments(pick: (m: MonthFiguresDto) => string) {
    const solid: string[] = [];
    const partial: string[] = [];
    let run: string[] = [];
    slots.forEach((s, i) => {
      if (!s.figures) {
        if (run.length > 1) solid.push(run.join(" "));
        run = [];
        return;
      }
      const point = `${x(i).toFixed(1)},${y(magnitude(pick(s.figures))).toFixed(1)}`;
      if (estimated(s.figures) && run.length > 0) {
        partial.push(`${run.at(-1)} ${point}`);
        if (run.length > 1) solid.push(run.join(" "));
        run = [point];
        return;
      }
      run.push(point);
    });
    if (run.length > 1) solid.push(run.join(" "));
    return { solid, partial };
  }
  const cost = segments((m) => m.cost);
  const resale = segments((m) => m.resale);
  const gaps = slots.filter((s) => !s.figures);
  const shown = months.find((m) => m.period === active) ?? null;
  const shownIndex = slots.findIndex((s) => s.period === active);

  return (
    <div className="chart-body">
      <ul className="chart-legend" aria-label="Lines">
        <li>
          <span className="swatch cost" aria-hidden="true" /> Cost (Microsoft)
        </li>
        <li>
          <span className="swatch resale" aria-hidden="true" /> Resale (billed to customers)
        </li>
        {months.some((m) => m.notInvoiced) && (
          <li>
            <span className="swatch partial" aria-hidden="true" /> Not invoiced yet (rated usage)
          </li>
        )}
        {months.some((m) => m.open) && (
          <li>
            <span className="swatch partial" aria-hidden="true" /> So far this month
          </li>
        )}
      </ul>
      <div className="chart-plot">
        <svg viewBox={`0 0 ${W} ${H}`} role="group" aria-label={title} data-testid="trend-svg">
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
          {resale.solid.map((p) => (
            <polyline key={`r${p}`} className="line resale" points={p} />
          ))}
          {resale.partial.map((p) => (
            <polyline key={`rp${p}`} className="line resale partial" points={p} />
          ))}
          {cost.solid.map((p) => (
            <polyline key={`c${p}`} className="line cost" points={p} />
          ))}
          {cost.partial.map((p) => (
            <polyline key={`cp${p}`} className="line cost partial" points={p} />
          ))}
          {slots.map((s, i) => {
            const [label, year] = axisMonth(s.period, i === 0, compact);
            return (
            <g key={s.period}>
              {!s.figures && (
                <rect className="gap-band" x={x(i) - step / 2 + 2} y={TOP} width={step - 4} height={H - TOP - BOTTOM} aria-hidden="true" />
              )}
              <text className="chart-month" x={x(i)} y={H - BOTTOM + 16} textAnchor="middle" aria-hidden="true">
                {label}
              </text>
              {year && (
                <text className="chart-month" x={x(i)} y={H - BOTTOM + 28} textAnchor="middle" aria-hidden="true">
                  {year}
                </text>
              )}
              {s.figures?.open && (
                <text className="chart-month so-far" x={x(i)} y={H - BOTTOM + (compact ? 40 : 30)} textAnchor="middle" aria-hidden="true">
                  so far
                </text>
              )}
              {s.figures?.notInvoiced && (
                <text className="chart-month so-far" x={x(i)} y={H - BOTTOM + (compact ? 40 : 30)} textAnchor="middle" aria-hidden="true">
                  {compact ? "rated" : "not invoiced"}
                </text>
              )}
              {!s.figures && !compact && (
                <text className="chart-month gap" x={x(i)} y={H - BOTTOM + 30} textAnchor="middle" aria-hidden="true">
                  not invoiced
                </text>
              )}
              {s.figures && (
                <a
                  href={billingMonthHref(s.period)}
                  tabIndex={0}
                  aria-label={`${monthText(s.figures, currency)}. Open Billing for this month.`}
                  data-testid="trend-point"
                  onMouseEnter={() => { setActive(s.period); }}
                  onMouseLeave={() => { setActive(null); }}
                  onFocus={() => { setActive(s.period); }}
                  onBlur={() => { setActive(null); }}
                >
                  <rect className="hit" x={x(i) - step / 2} y={TOP} width={step} height={H - TOP - BOTTOM} />
                  <circle className={`dot resale${estimated(s.figures) ? " partial" : ""}`} cx={x(i)} cy={y(magnitude(s.figures.resale))} r={5} />
                  <circle className={`dot cost${estimated(s.figures) ? " partial" : ""}`} cx={x(i)} cy={y(magnitude(s.figures.cost))} r={3.5} />
                </a>
              )}
            </g>
            );
          })}
        </svg>
        {shown && shownIndex >= 0 && (
          <div
            className="chart-tip"
            aria-hidden="true"
            data-testid="trend-tip"
            style={{ left: `${(x(shownIndex) / W) * 100}%` }}
          >
            <strong>
              {formatMonth(shown.period)}
              {monthNote(shown)}
            </strong>
            <span>Cost {formatMoney(shown.cost, currency)}</span>
            <span>Resale {formatMoney(shown.resale, currency)}</span>
          </div>
        )}
      </div>
      {gaps.length > 0 && (
        <p className="hint" data-testid="trend-gap">
          {gaps.map((g) => formatMonth(g.period)).join(", ")}: closed but not invoiced yet, so not in the trend.{" "}
          <a href={billingMonthHref(gaps.at(-1)?.period ?? "")}>See Billing</a> for its usage so far.
        </p>
      )}
    </div>
  );
}
