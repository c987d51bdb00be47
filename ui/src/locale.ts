// The locale dates and amounts are formatted in: the user's own, except the POSIX ("C")
// locale a session gets with LANG=C, whose number format has no grouping and puts a space
// after the symbol ("$ 152319.95"). Finance tables then use en-US's grouping instead of
// amounts nobody can read at a glance.

/** The locale to format in, given the one the runtime resolves (undefined: the user's). */
export function localeFor(resolved: string): string | undefined {
  return /posix/i.test(resolved) || resolved === "und" ? "en-US" : undefined;
}

export const LOCALE = localeFor(new Intl.NumberFormat().resolvedOptions().locale);
