// The FX rates per month: a table of currency × month (newest month first), each rate as
// rating takes it (units of the currency per USD: 1 / USDPerUnit), Microsoft's USDPerUnit in
// its tooltip. The account's billing currencies come first; a month rating uses (it has
// Azure plan usage and its sheet) is marked.
import type { FxTableDto } from "../../ipc";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { formatDateTime, formatDecimal, formatMonth } from "../../format";
import { useFxRates } from "./queries";

/** Billing currencies first, then the others, each group sorted. */
export function fxCurrencies(t: FxTableDto): string[] {
  const billing = t.billing.filter((c) => t.currencies.includes(c));
  return [...billing, ...t.currencies.filter((c) => !billing.includes(c))];
}

export function FxRates({ accountId }: { accountId: string }) {
  const fx = useFxRates(accountId);
  if (fx.isPending) return <Loading>Loading FX rates…</Loading>;
  if (fx.isError) return <Failed error={fx.error} retry={() => void fx.refetch()} lead="FX rates could not be read: " />;
  const t = fx.data;
  if (t.months.length === 0)
    return (
      <Empty
        testId="fx-empty"
        what="No FX rates yet"
        next={
          <>
            Discovery reads each month&apos;s rates with its price sheet; or import a month&apos;s file with{" "}
            <code>cspdesk prices import --account NAME --kind fx-rates --month YYYY-MM FILE</code>.
          </>
        }
      />
    );
  const currencies = fxCurrencies(t);
  return (
    <section aria-labelledby="fx-title">
      <h2 id="fx-title">FX rates per month</h2>
      <p className="hint">Units of each currency one US dollar buys (1 / USDPerUnit), as rating converts the USD prices.</p>
      <div className="table-scroll">
        <table className="grid" data-testid="fx-table">
          <caption className="visually-hidden">FX rates by currency and month</caption>
          <thead>
            <tr>
              <th scope="col">Currency</th>
              {t.months.map((m) => (
                <th key={m.month} scope="col" className="num" title={`Read ${formatDateTime(m.readAt)}`}>
                  {formatMonth(m.month)}
                  {m.rated && (
                    <span className="badge" title="Rating converts this month's usage with these rates">
                      rated
                    </span>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {currencies.map((c) => (
              <tr key={c} data-testid="fx-row" data-currency={c}>
                <th scope="row">
                  {c}
                  {t.billing.includes(c) && <span className="badge">billing</span>}
                </th>
                {t.months.map((m) => {
                  const r = m.rates.find((x) => x.currency === c);
                  return (
                    <td key={m.month} className="num" title={r ? `USDPerUnit ${r.usdPerUnit}` : undefined}>
                      {r ? formatDecimal(r.perUsd) : <span className="hint">—</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
