// One price sheet's rows in the grid: the backend searches and sorts them (a sheet can hold
// 500,000 rows, and prices are exact decimals) and the grid fetches the pages it shows. A row
// with a meter opens that meter's price history. A price list has no totals; the row count
// (in view, and of the sheet) is shown instead.
import { useMemo } from "react";
import { prices, type SheetColumn, type SheetDto, type SheetQueryDto, type SheetRowDto, type SheetRowsPageDto } from "../../ipc";
import { Failed } from "../../components/QueryState";
import { formatCount, formatDay, formatDecimal } from "../../format";
import { useUrlSort, useUrlState } from "../../routing/urlState";
import { SearchField } from "../../table/SearchField";
import { ShortId } from "../../table/ShortId";
import { usePagedRows } from "../../table/pagedRows";
import { VirtualTable, type Column, type Sort } from "../../table/VirtualTable";
import { useDiscovery } from "../discovery/store";
import { SEARCH_PAUSE_MS, useSettled } from "../../table/useSettled";

/** The columns the backend sorts by, under their column keys. */
const SORTABLE = new Set<string>(["line", "product", "meter", "sku", "unit", "tierMin", "unitPrice", "effectiveStart"]);
const isSheetColumn = (key: string): key is SheetColumn => SORTABLE.has(key);
const FILE_ORDER: Sort = { key: "line", direction: "ascending" };

const dash = <span className="hint">—</span>;

/** A tier's range as the sheet gives it: "0 – 100", "100 and up". */
export function tierRange(min: string, max: string | null): string {
  return max === null ? `${formatDecimal(min)} and up` : `${formatDecimal(min)} – ${formatDecimal(max)}`;
}

/** A unit price exactly as the sheet has it (no rounding to the currency's cents). */
export function unitPrice(price: string, currency: string): string {
  return `${formatDecimal(price)} ${currency}`;
}

type About = Pick<SheetRowsPageDto, "all">;

export function SheetGrid({
  accountId,
  sheet,
  title,
  onMeter,
}: {
  accountId: string;
  sheet: SheetDto;
  title: string;
  onMeter: (meterId: string) => void;
}) {
  const [search, setSearch] = useUrlState("q");
  const [sort, setSort] = useUrlSort(FILE_ORDER);
  const { finished } = useDiscovery();
  const settled = useSettled(search.trim(), SEARCH_PAUSE_MS);
  const query: SheetQueryDto = useMemo(
    () => ({ sort: isSheetColumn(sort.key) ? sort.key : "line", descending: sort.direction === "descending", search: settled }),
    [sort, settled],
  );
  // A Discovery run may have read the sheet again: the same query is another list then.
  const key = JSON.stringify([accountId, sheet.id, query, finished]);
  const rows = usePagedRows<SheetRowDto, About>(key, async (offset, limit) => {
    const page = await prices.rows(accountId, sheet.id, query, offset, limit);
    return { total: page.total, rows: page.rows, about: { all: page.all } };
  });

  const columns: Column<SheetRowDto>[] = [
    { key: "product", header: "Product", width: 200, sortable: true, cell: (r) => <span title={r.product}>{r.product}</span> },
    { key: "sku", header: "SKU", width: 180, sortable: true, cell: (r) => <span title={r.sku}>{r.sku}</span> },
    {
      key: "meter",
      header: "Meter",
      width: 130,
      sortable: true,
      cell: (r) => (r.meterId ? <ShortId id={r.meterId} label="meter ID" /> : dash),
    },
    { key: "unit", header: "Unit", width: 120, sortable: true, cell: (r) => r.unit },
    { key: "tierMin", header: "Tier", width: 120, numeric: true, sortable: true, cell: (r) => tierRange(r.tierMin, r.tierMax) },
    { key: "unitPrice", header: "Unit price", width: 130, numeric: true, sortable: true, cell: (r) => unitPrice(r.unitPrice, r.currency) },
    {
      key: "effectiveStart",
      header: "Effective",
      width: 190,
      sortable: true,
      cell: (r) => (
        <>
          {formatDay(r.effectiveStart)} – {r.effectiveEnd ? formatDay(r.effectiveEnd) : "open"}
        </>
      ),
    },
    { key: "line", header: "Line", width: 80, numeric: true, sortable: true, hidden: true, label: "Line in the file", cell: (r) => formatCount(r.line) },
    { key: "productId", header: "Product ID", width: 130, hidden: true, cell: (r) => r.productId },
    { key: "skuId", header: "SKU ID", width: 90, hidden: true, cell: (r) => r.skuId },
    { key: "meterType", header: "Meter type", width: 130, hidden: true, cell: (r) => r.meterType },
    { key: "term", header: "Term", width: 90, hidden: true, cell: (r) => r.term },
  ];

  const filtered = query.search !== "";
  return (
    <section aria-labelledby="sheet-title">
      <h2 id="sheet-title">{title}</h2>
      {rows.error && <Failed error={rows.error} retry={rows.retry} lead="The sheet's rows could not be read: " />}
      {!rows.source && !rows.error && <p role="status">Reading the sheet…</p>}
      {rows.source && rows.about && (
        <>
          <div className="toolbar">
            <SearchField
              label="Search prices"
              placeholder="Product, SKU or meter ID"
              testId="price-search"
              value={search}
              onChange={setSearch}
            />
            <p className="count" role="status" data-testid="price-count">
              {formatCount(rows.source.count)} {rows.source.count === 1 ? "row" : "rows"}
              {filtered && <span className="hint"> of {formatCount(rows.about.all)}</span>}
              {rows.busy && <span className="hint"> · working…</span>}
            </p>
          </div>
          <VirtualTable
            caption={`Prices: ${title}`}
            testId="price-table"
            rowTestId="price-row"
            source={rows.source}
            sort={sort}
            onSort={setSort}
            columns={columns}
            rowKey={(r) => String(r.key)}
            initialSort={FILE_ORDER}
            inUrl
            totals={false}
            rowLabel={(r) => `${r.product}, ${r.sku}, ${tierRange(r.tierMin, r.tierMax)}: ${unitPrice(r.unitPrice, r.currency)}${r.meterId ? ", open its price history" : ""}`}
            onOpen={(r) => {
              if (r.meterId) onMeter(r.meterId);
            }}
            empty={<span className="hint">No row matches the search.</span>}
          />
          <p className="hint">Open a row (click or Enter) to see its meter&apos;s price month by month.</p>
        </>
      )}
    </section>
  );
}
