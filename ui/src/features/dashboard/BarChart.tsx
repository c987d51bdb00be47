// A ranked list drawn as bars in the page (top customers, margin by customer, cost by
// service category): each bar carries its exact amount as text, so no value needs a hover
// to be read; a bar with somewhere to go is a link (Tab reaches it) named by what it shows:
// the full name (a long one is clipped on screen, not shortened in the text) and the amount.
// Negative amounts (a loss-making margin) grow left of zero.
import { useId } from "react";
import { formatMoney } from "../../format";
import { magnitude, ticks } from "./chartScale";

export interface Bar {
  key: string;
  label: string;
  /** Decimal string. */
  amount: string;
  /** Where a click goes (the customer), if anywhere. */
  href?: string;
}

const W = 480;
const LABEL = 150;
const VALUE = 96;
const ROW = 26;

export function BarChart({ bars, currency, title, what }: { bars: Bar[]; currency: string; title: string; what: string }) {
  const values = bars.map((b) => magnitude(b.amount));
  const axis = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = axis[0] ?? 0;
  const hi = axis.at(-1) ?? 1;
  const span = hi - lo || 1;
  const plot = W - LABEL - VALUE;
  const x = (v: number) => LABEL + (plot * (v - lo)) / span;
  const height = bars.length * ROW + 8;
  const clip = useId();
  return (
    <svg viewBox={`0 0 ${W} ${height}`} role="group" aria-label={`${title} (${what})`} className="bars">
      <defs>
        <clipPath id={clip}>
          <rect x={0} y={0} width={LABEL - 8} height={height} />
        </clipPath>
      </defs>
      <line className="chart-zero" x1={x(0)} x2={x(0)} y1={0} y2={height} aria-hidden="true" />
      {bars.map((b, i) => {
        const v = magnitude(b.amount);
        const top = 4 + i * ROW;
        const from = Math.min(x(0), x(v));
        const width = Math.max(1, Math.abs(x(v) - x(0)));
        const body = (
          <>
            <title>{`${b.label} ${formatMoney(b.amount, currency)}`}</title>
            <text className="bar-label" x={0} y={top + 15} clipPath={`url(#${clip})`}>
              {b.label}
            </text>
            <rect className={`bar${v < 0 ? " negative" : ""}`} x={from} y={top + 3} width={width} height={ROW - 8} rx={2} />
            <text className="bar-value" x={Math.max(x(0), x(v)) + 6} y={top + 15}>
              {formatMoney(b.amount, currency)}
            </text>
          </>
        );
        return b.href ? (
          <a key={b.key} href={b.href} tabIndex={0} data-testid="bar">
            <rect className="hit" x={0} y={top} width={W} height={ROW} />
            {body}
          </a>
        ) : (
          <g key={b.key} role="img" aria-label={`${b.label}: ${what} ${formatMoney(b.amount, currency)}`} data-testid="bar">
            {body}
          </g>
        );
      })}
    </svg>
  );
}
