// Exact sums of money. Amounts reach the UI as decimal text ("1234.5678", "-0.10"); adding
// them as floats would drift by cents over ten thousand rows, so they are added as scaled
// big integers and written back as decimal text with the most fraction digits any term had.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(text: string): Scaled | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const fraction = m[3] ?? "";
  const units = BigInt(`${m[2] ?? "0"}${fraction}`);
  return { units: m[1] === "-" ? -units : units, scale: fraction.length };
}

function rescale(v: Scaled, scale: number): bigint {
  return v.units * 10n ** BigInt(scale - v.scale);
}

function render(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** True when `text` is plain decimal text this module can add. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/**
 * The exact sum of decimal strings ("0" for none). Terms that are not decimal text are
 * skipped; the caller decides whether a total with gaps is shown.
 */
export function sumDecimals(terms: Iterable<string>): string {
  let units = 0n;
  let scale = 0;
  for (const term of terms) {
    const v = parse(term);
    if (!v) continue;
    if (v.scale > scale) {
      units *= 10n ** BigInt(v.scale - scale);
      scale = v.scale;
    }
    units += rescale(v, scale);
  }
  return render(units, scale);
}

/** a + b, exactly. */
export function addDecimal(a: string, b: string): string {
  return sumDecimals([a, b]);
}

/** a - b, exactly (a margin: resale less cost). Null when either is not decimal text. */
export function subtractDecimal(a: string, b: string): string | null {
  const y = parse(b);
  if (!parse(a) || !y) return null;
  return sumDecimals([a, render(-y.units, y.scale)]);
}
