// The period's new-commerce licence charges billed away from their term's list price: each
// charge is compared with Microsoft's licence price sheet of the month its TERM started (the
// purchase or the last renewal: the price is locked for the term), and a line whose unit
// price differs from it to the cent is listed with both prices. Says how many were checked,
// so "none" is never read from nothing, and which rule dated the terms: the line's own
// subscription start, or (a line without it) the subscription's creation, an approximation
// that is wrong once a subscription renewed.
import type { LicenceCheckDto } from "../../ipc";
import { formatCount, formatDay, formatMoney, formatMonth } from "../../format";

export function LicenceFlags({ licences }: { licences: LicenceCheckDto }) {
  const { checked, notChecked, datedByLine, datedByCreation, flags } = licences;
  if (checked + notChecked === 0) return null;
  return (
    <section className="licence-flags" data-testid="reconciliation-licences" aria-label="Licence prices">
      <h3>Licence billed away from its term's price</h3>
      <p className="hint" data-testid="reconciliation-licences-summary">
        {formatCount(checked)} licence {checked === 1 ? "charge" : "charges"} checked against the licence price sheet of
        {checked === 1 ? " its" : " their"} term's start month
        {notChecked > 0 && ` · ${formatCount(notChecked)} without that month's sheet (not checked)`}
        {flags.length === 0 ? " · all at their term's price." : ` · ${formatCount(flags.length)} billed away from it:`}
      </p>
      <p className="hint" data-testid="reconciliation-licences-dating">
        Terms dated by the line's subscription start: {formatCount(datedByLine)}
        {datedByCreation > 0 &&
          ` · by the subscription's creation, the line sending no term dates: ${formatCount(datedByCreation)} (wrong for a renewed subscription)`}
      </p>
      {flags.length > 0 && (
        <table className="grid compact">
          <caption className="visually-hidden">Licence charges billed away from their term's price</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Licence</th>
              <th scope="col">Term</th>
              <th scope="col">Term from</th>
              <th scope="col">Line</th>
              <th scope="col" className="num">
                Billed
              </th>
              <th scope="col" className="num">
                Term's price
              </th>
              <th scope="col" className="num">
                Difference
              </th>
            </tr>
          </thead>
          <tbody>
            {flags.map((f) => (
              <tr key={`${f.document}:${f.subscriptionId}:${f.chargeType}:${f.chargeStart ?? ""}`} data-testid="licence-flag">
                <td>{f.customer}</td>
                <td>
                  {f.product}
                  <span className="hint mono">
                    {" "}
                    {f.productId}/{f.skuId}
                  </span>
                </td>
                <td>
                  {f.term} · {f.billingPlan}
                </td>
                <td data-testid="licence-term-month">
                  {formatMonth(f.termMonth)} · {f.market}
                  {f.termDatedBy === "subscriptionCreation" && (
                    <span className="hint"> (dated by the subscription's creation)</span>
                  )}
                </td>
                <td>
                  {f.document} · {f.chargeType}
                  {f.chargeStart && ` from ${formatDay(f.chargeStart)}`} · ×{f.quantity}
                </td>
                <td className="num" data-testid="licence-billed">
                  {formatMoney(f.billedUnitPrice, f.currency)}
                </td>
                <td className="num" data-testid="licence-list">
                  {formatMoney(f.listUnitPrice, f.currency)}
                </td>
                <td className="num">{formatMoney(f.difference, f.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
