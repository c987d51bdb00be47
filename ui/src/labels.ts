// Readable words for the values Microsoft sends as codes ("active", "one_time", "SavingsPlan",
// "PayAsYouUse", "cycleCharge"): one place, so every table, filter and export preview says the
// same thing. Known codes have their wording; any other code is split into words, so a value
// Microsoft adds later reads as words, not as an identifier.

const KNOWN = new Map<string, string>([
  // Subscription status
  ["active", "Active"],
  ["suspended", "Suspended"],
  ["deleted", "Deleted"],
  ["expired", "Expired"],
  ["pending", "Pending"],
  ["disabled", "Disabled"],
  // Billing cycle and term
  ["monthly", "Monthly"],
  ["annual", "Annual"],
  ["triennial", "Every three years"],
  ["one_time", "One-time"],
  ["onetime", "One-time"],
  ["none", "None"],
  ["unknown", "Unknown"],
  // Customer relationship to the partner
  ["reseller", "Reseller"],
  ["advisor", "Advisor"],
  ["microsoft", "Microsoft"],
  // Pricing models (Cost Management, reservations)
  ["ondemand", "Pay-as-you-go"],
  ["payasyouuse", "Pay-as-you-go"],
  ["payasyougo", "Pay-as-you-go"],
  ["savingsplan", "Savings plan"],
  ["reservation", "Reservation"],
  ["spot", "Spot"],
  // Charge types (invoice lines, Cost Management)
  ["usage", "Usage"],
  ["purchase", "Purchase"],
  ["refund", "Refund"],
  ["new", "New"],
  ["renew", "Renewal"],
  ["cyclecharge", "Cycle charge"],
  ["cyclefee", "Cycle fee"],
  ["addquantity", "Added seats"],
  ["removequantity", "Removed seats"],
  ["cancelimmediate", "Cancelled"],
  ["customercredit", "Customer credit"],
  ["activationfee", "Activation fee"],
  ["unusedreservation", "Unused reservation"],
  ["unusedsavingsplan", "Unused savings plan"],
  ["roundingadjustment", "Rounding adjustment"],
]);

/** "cycleCharge", "one_time", "SavingsPlan" -> "cycle Charge" style words, first one capitalised. */
function words(code: string): string {
  const spaced = code
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A Microsoft code in words; text that already reads as words is left alone. */
export function label(code: string | null | undefined): string {
  if (code === null || code === undefined || code === "") return "—";
  const known = KNOWN.get(code.replace(/[\s_-]+/g, "").toLowerCase());
  if (known) return known;
  // Already words ("Azure plan", "Cycle instance prorate"): as sent.
  if (/\s/.test(code)) return code;
  return words(code);
}

export const relationshipLabel = label;
export const statusLabel = label;
export const billingCycleLabel = label;
export const chargeTypeLabel = label;
export const pricingModelLabel = label;
