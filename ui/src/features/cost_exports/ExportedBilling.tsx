// Billing's list of the months imported from Cost Management exports. Lives with the cost
// exports feature; Billing shows it without importing the Costs page.
import { Failed } from "../../components/QueryState";
import { formatCount, formatMonth } from "../../format";
import { AmountCells, AmountHeads } from "./AmountCells";
import { viewHref } from "./view";
import { useExportedMonths } from "./queries";

/** Billing's view of the Azure (MCA) costs imported from Cost Management exports: they are on
 * no Partner Center invoice, so each month is listed here per currency, opening to its split
 * per customer. Hidden while nothing is imported. */
export function ExportedBilling() {
  const exported = useExportedMonths();
  if (exported.error) return <Failed error={exported.error} lead="Azure costs from exports could not be read: " />;
  const rows = exported.data;
  if (!rows || rows.length === 0) return null;
  return (
    <section className="card" aria-labelledby="exported-billing-title" data-testid="exported-billing">
      <h2 id="exported-billing-title">Azure costs from Cost Management exports</h2>
      <p className="muted">
        Actual cost of your Microsoft Customer Agreement billing, split to customers by tenant; open a month for its
        customers, their rows, and the amortized view.
      </p>
      <table className="grid compact">
        <thead>
          <tr>
            {rows.some((r) => r.account.id !== rows[0]?.account.id) && <th scope="col">Account</th>}
            <th scope="col">Month</th>
            <th scope="col" className="num">
              Customers
            </th>
            <AmountHeads />
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((r) =>
            r.split.totals.map((t) => (
              <tr key={`${r.account.id}/${r.month}/${t.currency}`} data-testid="exported-billing-row" data-currency={t.currency}>
                {rows.some((x) => x.account.id !== rows[0]?.account.id) && <td>{r.account.name}</td>}
                <td>
                  <a href={viewHref(r.account.id, { dataset: "actual", month: r.month, tenant: null })}>
                    {formatMonth(r.month)}
                  </a>
                </td>
                <td className="num">
                  {formatCount(r.split.customers.filter((c) => c.currency === t.currency && c.customerTenantId).length)}
                </td>
                <AmountCells figure={t} testId={undefined} />
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}

