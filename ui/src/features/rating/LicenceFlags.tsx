// The period's new-commerce licence charges billed away from their term's list price: each
// charge is compared with Microsoft's licence price sheet of its ORDER month (the price is
// locked for the term), and a line whose unit price differs from it to the cent is listed
// with both prices. Says how many were checked, so "none" is never read from nothing.
import type { LicenceCheckDto } from "../../ipc";
import { formatCount, formatDay, formatMoney, formatMonth } from "../../format";

export function LicenceFlags({ licences }: { licences: LicenceCheckDto }) {
  const { checked, notChecked, flags } = licences;
  if (checked + notChecked === 0) return null;
  return (
    <section className="licence-flags" data-testid="reconciliation-licences" aria-label="Licence prices">
      <h3>Licence billed away from its term's price</h3>
      <p className="hint" data-testid="reconciliation-licences-summary">
        {formatCount(checked)} licence {checked === 1 ? "charge" : "charges"} checked against the licence price sheet of
        {checked === 1 ? " its" : " their"} order month
        {notChecked > 0 && ` · ${formatCount(notChecked)} without that month's sheet (not checked)`}
        {flags.length === 0 ? " · all at their term's price." : ` · ${formatCount(flags.length)} billed away from it:`}
      </p>
      {flags.length > 0 && (
        <table className="grid compact">
          <caption className="visually-hidden">Licence charges billed away from their term's price</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Licence</th>
              <th scope="col">Term</th>
              <th scope="col">Ordered</th>
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
                <td>
                  {formatMonth(f.orderMonth)} · {f.market}
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
