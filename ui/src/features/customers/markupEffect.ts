// What a markup change does, in words, from the preview's figures: the newest previewed
// month's resale before and after, per currency ("Oct 2026 resale +€110.00"). Save states
// this before it applies; the amounts are exact decimal strings, never floats.
import type { MarkupPreviewDto } from "../../ipc";
import { formatAmount, formatMoney, formatMonth } from "../../format";
import { subtractDecimal } from "../../money";
import { compareDecimal } from "../../table/sort";

/** A signed difference with its currency: "+€110.00", "−€4.20", "no change". */
export function signedMoney(delta: string, currency: string): string {
  if (compareDecimal(delta, "0") === 0) return "no change";
  return delta.startsWith("-") ? `−${formatMoney(delta.slice(1), currency)}` : `+${formatMoney(delta, currency)}`;
}

/** The difference a month's resale makes with the change, or null if the amounts are not decimals. */
export function resaleDelta(m: { resaleBefore: string; resaleAfter: string }): string | null {
  return subtractDecimal(m.resaleAfter, m.resaleBefore);
}

/** The newest month the preview covers (`YYYY-MM`), or null when nothing is rated. */
export function newestPreviewed(preview: MarkupPreviewDto): string | null {
  return preview.months.reduce<string | null>((p, m) => (p === null || m.period > p ? m.period : p), null);
}

/** Whether a change starting on `from` (`YYYY-MM-DD`) begins after every previewed month. */
export function startsAfterPreview(preview: MarkupPreviewDto, from: string): boolean {
  const newest = newestPreviewed(preview);
  return newest !== null && from.slice(0, 7) > newest;
}

/** One sentence per currency of the newest previewed month; empty when nothing is rated. */
export function effectOf(preview: MarkupPreviewDto): string[] {
  const newest = newestPreviewed(preview);
  return preview.months
    .filter((m) => m.period === newest)
    .map((m) => {
      const delta = resaleDelta(m);
      return `${formatMonth(m.period)} resale ${delta === null ? "changes" : signedMoney(delta, m.currency)}`;
    });
}

/** A fee with its currency when there is one currency to give it, else said to be in the billing currency. */
export function feeText(fee: string, currency: string | null): string {
  return currency ? formatMoney(fee, currency) : `${formatAmount(fee)} in the billing currency`;
}
