// A meter's price history: its unit price per month and tier as a chart and as a table with
// the month's FX rate to each billing currency, the converted price and the change against the
// previous month held. The meter comes from the sheet grid (a row opens here) or is typed.
import { useState } from "react";
import type { MeterHistoryDto } from "../../ipc";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { formatDecimal, formatMonth, formatPercent } from "../../format";
import { useMeterHistory } from "./queries";
import { PriceChart } from "./PriceChart";
import { tierRange, unitPrice } from "./SheetGrid";

const CONSUMPTION = "azure_consumption";
const dash = <span className="hint">—</span>;

export function MeterHistory({
  accountId,
  meter,
  onMeter,
}: {
  accountId: string;
  meter: string;
  onMeter: (meterId: string) => void;
}) {
  const [typed, setTyped] = useState(meter);
  const history = useMeterHistory(accountId, CONSUMPTION, meter);
  return (
    <section aria-labelledby="meter-title">
      <h2 id="meter-title">Meter history</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          onMeter(typed.trim().toLowerCase());
        }}
      >
        <div className="field search">
          <label htmlFor="meter-id">Meter ID</label>
          <input
            id="meter-id"
            data-testid="meter-id"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. cb0969aa-…"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
            }}
          />
        </div>
        <button type="submit" data-testid="meter-show">
          Show
        </button>
      </form>
      {meter === "" ? (
        <Empty
          testId="meter-empty"
          what="No meter chosen"
          next="Open a row of a price sheet (click or Enter), or type a meter ID above."
        />
      ) : history.isPending ? (
        <Loading>Reading the meter&apos;s prices…</Loading>
      ) : history.isError ? (
        <Failed error={history.error} retry={() => void history.refetch()} testId="meter-error" />
      ) : (
        <HistoryBody history={history.data} />
      )}
    </section>
  );
}

function HistoryBody({ history }: { history: MeterHistoryDto }) {
  const title = `${history.product}, ${history.sku} (${history.unit}): unit price by month`;
  return (
    <>
      <p className="lead" data-testid="meter-name">
        {history.product} · {history.sku} · {history.unit} · <span className="mono">{history.meterId}</span>
      </p>
      <PriceChart prices={history.prices} title={title} />
      <div className="table-scroll">
        <table className="grid" data-testid="meter-history">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Tier</th>
              <th scope="col" className="num">
                Unit price
              </th>
              <th scope="col" className="num">
                Change
              </th>
              {history.currencies.map((c) => (
                <th key={c} scope="colgroup" colSpan={2} className="num">
                  {c}: rate · price
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {history.prices.map((p) => (
              <tr key={`${p.month}/${p.market}/${p.tierMin}`} data-testid="meter-price">
                <th scope="row">{formatMonth(p.month)}</th>
                <td>{tierRange(p.tierMin, p.tierMax)}</td>
                <td className="num" data-col="price">
                  {unitPrice(p.unitPrice, p.currency)}
                </td>
                <td className="num" data-col="change">
                  {p.changePercent === null ? dash : `${p.changePercent.startsWith("-") ? "" : "+"}${formatPercent(p.changePercent)}`}
                </td>
                {p.converted.map((c) => [
                  <td key={`${c.currency} rate`} className="num" data-col={`rate-${c.currency}`}>
                    {c.rate === null ? <span className="hint">no rate</span> : formatDecimal(c.rate)}
                  </td>,
                  <td key={`${c.currency} price`} className="num" data-col={`price-${c.currency}`}>
                    {c.price === null ? dash : unitPrice(c.price, c.currency)}
                  </td>,
                ])}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        Prices in USD as Microsoft&apos;s sheet of each month gives them (the price in force at the month&apos;s end). A
        billing currency&apos;s rate is the month&apos;s FX rate as rating takes it (1 / USDPerUnit, 12 decimals); the
        converted price is shown to 6 decimals. The change is against the previous month held.
      </p>
    </>
  );
}
