// The markup preview, beside the form: the last closed months as they are and with the
// change (cost, resale now, resale with change and its difference, margin), before anything
// is saved. Sticky in its column so it stays in view while the form is edited.
import type { MarkupPreviewDto } from "../../ipc";
import { formatCount, formatMoney, formatMonth } from "../../format";
import { resaleDelta, signedMoney } from "./markupEffect";

export function MarkupPreview({ preview }: { preview: MarkupPreviewDto | null }) {
  return (
    <section className="card markup-preview" aria-labelledby="markup-preview-title" data-testid="markup-preview">
      <h2 id="markup-preview-title">Preview</h2>
      {preview === null ? (
        <p className="hint">
          Preview shows here what the change would have made of the last closed months, without saving it. Save
          shows it too and asks before it applies.
        </p>
      ) : preview.months.length === 0 ? (
        <p className="hint" data-testid="markup-preview-empty">
          Nothing is rated for the last closed months yet: run Discovery and <code>cspdesk rate</code>
        </p>
      ) : (
        <table className="grid compact markup-preview-table" data-testid="markup-preview-table">
          <caption className="visually-hidden">The last closed months as they are and with the change</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col" className="num">
                Resale now
              </th>
              <th scope="col" className="num">
                Resale after
              </th>
              <th scope="col" className="num">
                Margin after
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.months.map((m) => {
              const delta = resaleDelta(m);
              return (
                <tr key={`${m.period} ${m.currency}`} data-testid="markup-preview-row">
                  <th scope="row">
                    {formatMonth(m.period)}
                    <span className="hint block">
                      {formatCount(m.customers)} {m.customers === 1 ? "customer" : "customers"}
                    </span>
                  </th>
                  <td className="num">{formatMoney(m.cost, m.currency)}</td>
                  <td className="num">{formatMoney(m.resaleBefore, m.currency)}</td>
                  <td className="num">
                    {formatMoney(m.resaleAfter, m.currency)}
                    {delta !== null && <span className="hint block" data-testid="markup-preview-delta">{signedMoney(delta, m.currency)}</span>}
                  </td>
                  <td className="num">
                    {formatMoney(m.marginAfter, m.currency)}
                    <span className="hint block">now {formatMoney(m.marginBefore, m.currency)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

