// Display formatting in the user's locale. Amounts arrive as exact decimal strings and
// are formatted without passing through floating point.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** An RFC 3339 timestamp in the user's locale, or the text itself if it is not one. */
export function formatDateTime(rfc3339: string): string {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? rfc3339 : dateTime.format(t);
}

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** An RFC 3339 timestamp as a date in the user's locale. */
export function formatDate(rfc3339: string): string {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? rfc3339 : dateOnly.format(t);
}
