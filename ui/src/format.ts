// Display formatting in the user's locale. Amounts arrive as exact decimal strings and
// are formatted without passing through floating point.
import { LOCALE } from "./locale";

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" });

/** An RFC 3339 timestamp in the user's locale, or the text itself if it is not one. */
export function formatDateTime(rfc3339: string): string {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? rfc3339 : dateTime.format(t);
}

const dateOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium" });

/** An RFC 3339 timestamp as a date in the user's locale. */
export function formatDate(rfc3339: string): string {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? rfc3339 : dateOnly.format(t);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
const dayOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" });

/**
 * A calendar date ("2026-11-21", or a timestamp whose date part is what counts, as Partner
 * Center sends commitment ends) in the user's locale. Formatted as a day, not an instant, so
 * a user west of UTC does not see the day before.
 */
export function formatDay(text: string): string {
  const m = DAY.exec(text);
  if (!m) return text;
  // Partner Center writes "no end" (Azure plans) as a date in the year 9999.
  if (Number(m[1]) >= 9999) return "no end";
  return dayOnly.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

const MONTH = /^(\d{4})-(\d{2})$/;
const monthOnly = new Intl.DateTimeFormat(LOCALE, { month: "short", year: "numeric", timeZone: "UTC" });

/**
 * A calendar month ("2026-10") in the user's locale ("Oct 2026"), or the text itself. The one
 * month style: a month is a month everywhere (tables, headings, selects), days use formatDay
 * and instants formatDateTime.
 */
export function formatMonth(text: string): string {
  const m = MONTH.exec(text);
  return m ? monthOnly.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : text;
}

const count = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** A whole count (requests, rows) with the locale's grouping. */
export function formatCount(n: number): string {
  return count.format(n);
}

/**
 * A length of time in words: "45 s", "2 min 5 s", "1 h 3 min". Seconds are dropped
 * once it runs to hours; a zero tail is left out ("2 min", "1 h").
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
type Numeric = `${number}`;

function isPlainDecimal(text: string): text is Numeric {
  return PLAIN_DECIMAL.test(text);
}

const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 20 });

/** A decimal string (a quantity) in the locale's digits, exactly as sent. */
export function formatDecimal(text: string): string {
  return isPlainDecimal(text) ? decimal.format(text) : text;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount (exact decimal string) in its currency. Intl formats the string itself, so
 * no float rounding happens on the way; the currency's own minor digits apply.
 */
export function formatMoney(amount: string, currency: string | null): string {
  if (!isPlainDecimal(amount)) return currency ? `${amount} ${currency}` : amount;
  const code = currency?.toUpperCase() ?? "";
  let format = moneyFormats.get(code);
  if (!format) {
    try {
      format = /^[A-Z]{3}$/.test(code)
        ? new Intl.NumberFormat(LOCALE, { style: "currency", currency: code })
        : new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch {
      format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(code, format);
  }
  const text = format.format(amount);
  return format.resolvedOptions().style === "currency" || !currency ? text : `${text} ${currency}`;
}

const exactMoneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount in its currency with every digit it has (at least the currency's cents): a list
 * or effective cost of 125.1675 stays 125.1675, so the figures on screen add up to the last
 * digit, as the backend's exact sums do.
 */
export function formatMoneyExact(amount: string, currency: string | null): string {
  const code = currency?.toUpperCase() ?? "";
  if (!isPlainDecimal(amount) || !/^[A-Z]{3}$/.test(code)) return formatMoney(amount, currency);
  let format = exactMoneyFormats.get(code);
  if (!format) {
    try {
      format = new Intl.NumberFormat(LOCALE, { style: "currency", currency: code, maximumFractionDigits: 20 });
    } catch {
      return formatMoney(amount, currency);
    }
    exactMoneyFormats.set(code, format);
  }
  return format.format(amount);
}

const TERM = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/** An ISO 8601 term ("P1M", "P1Y", "P3Y") in words: "1 month", "3 years". */
export function formatTerm(iso: string): string {
  const m = TERM.exec(iso);
  if (!m || iso === "P") return iso;
  const units: [string | undefined, string][] = [
    [m[1], "year"],
    [m[2], "month"],
    [m[3], "week"],
    [m[4], "day"],
  ];
  return units
    .filter((u): u is [string, string] => u[0] !== undefined)
    .map(([n, unit]) => `${Number(n)} ${unit}${Number(n) === 1 ? "" : "s"}`)
    .join(" ");
}

const percentFormat = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 20 });

/**
 * A percentage given as a decimal string ("12", "-5.5") in the locale's percent style
 * ("12%", "-5,5 %"). The decimal point moves two places as text, so no float is involved.
 */
export function formatPercent(text: string): string {
  if (!isPlainDecimal(text)) return `${text}%`;
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const padded = whole.padStart(3, "0");
  const fraction100 = `${padded.slice(-2)}${fraction}`;
  const shifted = `${negative ? "-" : ""}${padded.slice(0, -2)}.${fraction100}`;
  return isPlainDecimal(shifted) ? percentFormat.format(shifted) : `${text}%`;
}

const amountFormat = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 20 });

/** An amount without a known currency ("50.00"): locale digits, at least two decimals, none dropped. */
export function formatAmount(text: string): string {
  return isPlainDecimal(text) ? amountFormat.format(text) : text;
}

/** Today in the user's time zone as YYYY-MM-DD (what `<input type="date">` holds). */
export function todayIso(now: Date = new Date()): string {
  const y = String(now.getFullYear()).padStart(4, "0");
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}
