// Above a grid: the currency filter (on tables with amounts in more than one currency) and the
// column chooser (every column but the first can be shown or hidden; the choice is remembered).
import { useId, type ReactNode } from "react";

export interface ChooserColumn {
  key: string;
  label: string;
  shown: boolean;
}

export function GridBar({
  testId,
  currencies,
  currency,
  onCurrency,
  columns,
  onShow,
  onReset,
}: {
  testId: string;
  currencies: readonly string[];
  currency: string;
  onCurrency: (currency: string) => void;
  columns: readonly ChooserColumn[];
  onShow: (key: string, show: boolean) => void;
  onReset: () => void;
}) {
  const id = useId();
  let filter: ReactNode = null;
  if (currencies.length > 1) {
    filter = (
      <span className="field inline">
        <label htmlFor={`${id}-currency`}>Currency</label>
        <select
          id={`${id}-currency`}
          data-testid={`${testId}-currency`}
          value={currency}
          onChange={(e) => {
            onCurrency(e.target.value);
          }}
        >
          <option value="">All currencies</option>
          {currencies.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </span>
    );
  }
  return (
    <div className="grid-bar">
      {filter}
      <details className="column-chooser" data-testid={`${testId}-columns`}>
        <summary>Columns</summary>
        <fieldset>
          <legend className="visually-hidden">Columns shown</legend>
          {columns.map((c) => (
            <label key={c.key}>
              <input
                type="checkbox"
                data-testid={`column-${c.key}`}
                checked={c.shown}
                onChange={(e) => {
                  onShow(c.key, e.target.checked);
                }}
              />{" "}
              {c.label}
            </label>
          ))}
          <button type="button" className="link" onClick={onReset}>
            Reset columns and widths
          </button>
        </fieldset>
      </details>
    </div>
  );
}
