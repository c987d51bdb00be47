// The Costs page's split of the imported costs: totals per currency, per pricing model, per
// customer (and month), and one customer's cost rows paged from the database.
import { useCallback } from "react";
import {
  costExports,
  type AccountDto,
  type CostCustomerTotalDto,
  type CostRowDto,
  type CostSplitDto,
} from "../../ipc";
import { formatCount, formatDay, formatDecimal, formatMoney, formatMonth } from "../../format";
import { VirtualTable, type Column } from "../../table/VirtualTable";
import { usePagedRows } from "../../table/pagedRows";
import { compareDecimal, compareText } from "../../table/sort";
import { AmountCells, AmountHeads } from "./AmountCells";
import { ALL_MONTHS, openHash, viewHref, type View } from "./view";
import { useCostSplit } from "./queries";
import { Failed, Loading } from "../../components/QueryState";
import { chargeTypeLabel, pricingModelLabel } from "../../labels";

/** An amount of a customer's row, in its currency, sorted as a decimal. */
function moneyColumn(
  key: string,
  header: string,
  width: number,
  amount: (r: CostCustomerTotalDto) => string,
): Column<CostCustomerTotalDto> {
  return {
    key,
    header,
    width,
    numeric: true,
    cell: (r) => formatMoney(amount(r), r.currency),
    compare: (a, b) => compareDecimal(amount(a), amount(b)),
    // Sorted within its currency, never EUR against GBP as numbers; totals per currency.
    money: (r) => ({ amount: amount(r), currency: r.currency }),
  };
}

const customerColumns = (showMonth: boolean): Column<CostCustomerTotalDto>[] => [
  {
    key: "customer",
    header: "Customer",
    width: 240,
    cell: (r) => r.customerName || "(no customer)",
    compare: (a, b) => compareText(a.customerName, b.customerName),
  },
  moneyColumn("cost", "Cost", 130, (r) => r.cost),
  moneyColumn("commitment", "Of which commitments", 150, (r) => r.commitmentCost),
  moneyColumn("payg", "At pay-as-you-go prices", 150, (r) => r.paygCost),
  ...(showMonth
    ? [
        {
          key: "month",
          header: "Month",
          width: 140,
          cell: (r: CostCustomerTotalDto) => formatMonth(r.month),
          compare: (a: CostCustomerTotalDto, b: CostCustomerTotalDto) => compareText(a.month, b.month),
        },
      ]
    : []),
  {
    key: "organization",
    header: "Organization",
    width: 150,
    cell: (r) => r.organizationName ?? "",
    compare: (a, b) => compareText(a.organizationName ?? "", b.organizationName ?? ""),
    isBlank: (r) => r.organizationName === null,
  },
  {
    key: "rows",
    header: "Rows",
    width: 80,
    numeric: true,
    cell: (r) => formatCount(r.rows),
    compare: (a, b) => a.rows - b.rows,
  },
];
const COLUMNS_ONE_MONTH = customerColumns(false);
const COLUMNS_ALL_MONTHS = customerColumns(true);

export function Split({ account, view }: { account: AccountDto; view: View }) {
  const split = useCostSplit(account.id, view.dataset, view.month);
  const go = (v: Partial<View>) => {
    openHash(viewHref(account.id, { ...view, ...v }));
  };

  if (split.isPending) return <Loading>Adding up the imported costs…</Loading>;
  if (split.isError) return <Failed error={split.error} />;
  const data = split.data;
  const toolbar = (
    <div className="toolbar">
      <div className="view-switch" role="group" aria-label="Cost view">
        {(["actual", "amortized"] as const).map((d) => (
          <button
            key={d}
            type="button"
            aria-pressed={view.dataset === d}
            data-testid={`costs-dataset-${d}`}
            onClick={() => { go({ dataset: d }); }}
          >
            {d === "actual" ? "Actual cost" : "Amortized cost"}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor="costs-month">Month</label>
        <select
          id="costs-month"
          data-testid="costs-month"
          value={view.month ?? ALL_MONTHS}
          onChange={(e) => { go({ month: e.target.value === ALL_MONTHS ? null : e.target.value, tenant: null }); }}
        >
          <option value={ALL_MONTHS}>Every month</option>
          {data.months.map((m) => (
            <option key={m} value={m}>
              {formatMonth(m)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
  if (data.months.length === 0)
    return (
      <section aria-labelledby="costs-split">
        <h2 id="costs-split">Costs per customer</h2>
        <div className="empty">
          <p className="empty-title">Nothing imported yet</p>
          <p>Press Import new exports to read the export runs delivered to your sources.</p>
        </div>
      </section>
    );
  if (view.tenant) {
    const tenant = view.tenant;
    const mine = data.customers.filter((c) => c.customerTenantId === tenant);
    return (
      <section aria-labelledby="costs-split">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <ol>
            <li>
              <a href={viewHref(account.id, { ...view, tenant: null })} data-testid="costs-back">
                Costs per customer
              </a>
            </li>
            <li aria-current="page">{mine[0]?.customerName ?? tenant}</li>
          </ol>
        </nav>
        {toolbar}
        <CustomerCosts account={account} view={view} tenant={tenant} totals={mine} />
      </section>
    );
  }
  const columns = view.month ? COLUMNS_ONE_MONTH : COLUMNS_ALL_MONTHS;
  return (
    <section aria-labelledby="costs-split">
      <h2 id="costs-split">Costs per customer</h2>
      {toolbar}
      <Totals data={data} />
      <VirtualTable
        caption={`Costs per customer, ${view.dataset} view`}
        testId="costs-customers"
        rowTestId="costs-customer-row"
        columns={columns}
        rows={data.customers}
        rowKey={(r) => `${r.month}/${r.customerTenantId ?? r.customerName}/${r.currency}`}
        initialSort={{ key: "cost", direction: "descending" }}
        rowLabel={(r) => `${r.customerName}, open its costs`}
        empty={<p>No costs in this view.</p>}
        onOpen={(r) => {
          if (r.customerTenantId) go({ tenant: r.customerTenantId, month: view.month });
        }}
      />
      <PricingModels data={data} />
      {data.organizations.length > 0 && (
        <>
          <h3>Per organization</h3>
          <table className="grid compact" data-testid="costs-organizations">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Organization</th>
                <th scope="col" className="num">
                  Customers
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {data.organizations.map((o) => (
                <tr key={`${o.month}/${o.organizationId}/${o.currency}`}>
                  <td>{formatMonth(o.month)}</td>
                  <td>{o.organizationName}</td>
                  <td className="num">{formatCount(o.customers)}</td>
                  <td className="num">{formatMoney(o.cost, o.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Totals({ data }: { data: CostSplitDto }) {
  return (
    <table className="grid compact" data-testid="costs-totals">
      <caption className="sr-only">Totals per currency</caption>
      <thead>
        <tr>
          <th scope="col">Currency</th>
          <th scope="col" className="num">
            Rows
          </th>
          <AmountHeads />
        </tr>
      </thead>
      <tbody>
        {data.totals.map((t) => (
          <tr key={t.currency}>
            <th scope="row">Total {t.currency}</th>
            <td className="num">{formatCount(t.rows)}</td>
            <AmountCells figure={t} testId={`costs-total-${t.currency}`} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PricingModels({ data }: { data: CostSplitDto }) {
  if (data.pricingModels.length === 0) return null;
  return (
    <>
      <h3>Per pricing model</h3>
      <table className="grid compact" data-testid="costs-pricing-models">
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Pricing model</th>
            <th scope="col">Charge type</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {data.pricingModels.map((p) => (
            <tr
              key={`${p.month}/${p.pricingModel}/${p.chargeType}/${p.currency}`}
              data-testid="costs-pricing-model-row"
              data-commitment={p.commitment ? "true" : undefined}
            >
              <td>{formatMonth(p.month)}</td>
              <td>{p.pricingModel}</td>
              <td>{p.chargeType}</td>
              <td className="num">{formatCount(p.rows)}</td>
              <td className="num">{formatMoney(p.cost, p.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const ROW_COLUMNS: Column<CostRowDto>[] = [
  { key: "date", header: "Date", width: 110, cell: (r) => formatDay(r.date) },
  { key: "subscription", header: "Subscription", width: 200, cell: (r) => r.subscriptionName ?? r.subscriptionId ?? "" },
  { key: "meter", header: "Meter", width: 220, cell: (r) => r.meterName ?? r.productName ?? "" },
  { key: "chargeType", header: "Charge type", width: 140, cell: (r) => chargeTypeLabel(r.chargeType) },
  {
    key: "pricingModel",
    header: "Pricing model",
    width: 140,
    cell: (r) => (r.benefitName ? `${pricingModelLabel(r.pricingModel)} (${r.benefitName})` : pricingModelLabel(r.pricingModel)),
  },
  {
    key: "quantity",
    header: "Quantity",
    width: 120,
    numeric: true,
    cell: (r) => (r.quantity ? `${formatDecimal(r.quantity)} ${r.unitOfMeasure ?? ""}` : ""),
  },
  {
    key: "price",
    header: "Effective price",
    width: 130,
    numeric: true,
    cell: (r) => (r.effectivePrice ? formatMoney(r.effectivePrice, r.currency) : ""),
  },
  { key: "cost", header: "Cost", width: 130, numeric: true, cell: (r) => formatMoney(r.cost, r.currency) },
];

function CustomerCosts({
  account,
  view,
  tenant,
  totals,
}: {
  account: AccountDto;
  view: View;
  tenant: string;
  totals: CostCustomerTotalDto[];
}) {
  const query = `${account.id} ${view.dataset} ${view.month ?? ""} ${tenant}`;
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      costExports
        .customerRows(account.id, tenant, view.dataset, view.month, offset, limit)
        .then((p) => ({ total: p.total, rows: p.rows, about: null })),
    [account.id, tenant, view.dataset, view.month],
  );
  const rows = usePagedRows<CostRowDto, null>(query, fetchPage);
  return (
    <>
      <h2 data-testid="costs-customer-name">{totals[0]?.customerName ?? tenant}</h2>
      <table className="grid compact" data-testid="costs-customer-totals">
        <thead>
          <tr>
            <th scope="col">Month</th>
            <AmountHeads />
          </tr>
        </thead>
        <tbody>
          {totals.map((t) => (
            <tr key={`${t.month}/${t.currency}`}>
              <td>{formatMonth(t.month)}</td>
              <AmountCells figure={t} testId="costs-customer-cost" />
            </tr>
          ))}
        </tbody>
      </table>
      {rows.error && (
        <Failed error={rows.error} retry={rows.retry} />
      )}
      {!rows.source && !rows.error && <p role="status">Loading the cost rows…</p>}
      {rows.source && (
        <VirtualTable
          caption="The customer's cost rows"
          testId="costs-rows"
          rowTestId="costs-row"
          columns={ROW_COLUMNS}
          source={rows.source}
          sort={{ key: "date", direction: "ascending" }}
          onSort={() => {}}
          rowKey={(r) => r.key}
          initialSort={{ key: "date", direction: "ascending" }}
          empty={<p>No cost rows for this customer in this view.</p>}
        />
      )}
    </>
  );
}
