// The sheets held for an account (month, view, market, current or history, rows, when read and
// where from) and the chosen one's rows in the grid. The choice lives in the route's query as
// month, view and market (a sheet read again gets a new id, a month does not); the newest
// month's Azure plan sheet is shown when none is chosen.
import type { SheetDto } from "../../ipc";
import { formatCount, formatDateTime, formatMonth } from "../../format";
import { useUrlState } from "../../routing/urlState";
import { VirtualTable, type Column } from "../../table/VirtualTable";
import { SheetGrid } from "./SheetGrid";

const CONSUMPTION = "azure_consumption";

/** The view's name as people read it. */
export function viewLabel(view: string): string {
  if (view === CONSUMPTION) return "Azure plan consumption";
  if (view === "updatedlicensebased") return "New-commerce licences";
  return view;
}

/** The sheet `month`/`view`/`market` names, else the newest month's consumption sheet. */
export function chosenSheet(sheets: readonly SheetDto[], month: string, view: string, market: string): SheetDto | undefined {
  return (
    sheets.find((s) => s.month === month && s.view === (view || CONSUMPTION) && (market === "" || s.market === market)) ??
    sheets.find((s) => s.view === CONSUMPTION) ??
    sheets[0]
  );
}

const sheetKey = (s: SheetDto) => `${s.view}/${s.market}/${s.month}`;

export function Sheets({
  accountId,
  sheets,
  onMeter,
}: {
  accountId: string;
  sheets: SheetDto[];
  onMeter: (meterId: string) => void;
}) {
  const [month, setMonth] = useUrlState("month");
  const [view, setView] = useUrlState("view");
  const [market, setMarket] = useUrlState("market");
  const shown = chosenSheet(sheets, month, view, market);
  const choose = (s: SheetDto) => {
    setMonth(s.month);
    setView(s.view === CONSUMPTION ? "" : s.view);
    setMarket(s.market);
  };
  const columns: Column<SheetDto>[] = [
    {
      key: "month",
      header: "Month",
      width: 150,
      cell: (s) => (
        <button
          type="button"
          className="link"
          aria-current={shown && sheetKey(s) === sheetKey(shown) ? "true" : undefined}
          onClick={() => {
            choose(s);
          }}
        >
          {formatMonth(s.month)}
        </button>
      ),
    },
    { key: "view", header: "View", width: 200, cell: (s) => viewLabel(s.view) },
    { key: "market", header: "Market", width: 80, cell: (s) => s.market },
    {
      key: "timeline",
      header: "Timeline",
      width: 120,
      cell: (s) => (s.timeline === "current" ? "month so far" : "closed month"),
    },
    { key: "rows", header: "Rows", width: 100, numeric: true, cell: (s) => formatCount(s.rows) },
    { key: "setAside", header: "Set aside", width: 90, numeric: true, cell: (s) => formatCount(s.setAside) },
    { key: "readAt", header: "Read", width: 170, cell: (s) => formatDateTime(s.readAt) },
    {
      key: "source",
      header: "From",
      width: 200,
      cell: (s) => (s.fileName ? <span title={s.fileName}>file {s.fileName}</span> : "Pricing API"),
    },
  ];
  return (
    <>
      <h2>Sheets held</h2>
      <div className="sheet-list">
        <VirtualTable
          caption="Price sheets held"
          testId="sheet-table"
          rowTestId="sheet-row"
          rows={sheets}
          columns={columns}
          rowKey={sheetKey}
          initialSort={{ key: "month", direction: "descending" }}
          rowLabel={(s) => `${formatMonth(s.month)}, ${viewLabel(s.view)}, ${s.market}: show its rows`}
          onOpen={choose}
          totals={false}
          empty={<span className="hint">No sheets.</span>}
        />
      </div>
      {shown && (
        <SheetGrid
          key={sheetKey(shown)}
          accountId={accountId}
          sheet={shown}
          title={`${viewLabel(shown.view)}, ${shown.market}, ${formatMonth(shown.month)}`}
          onMeter={onMeter}
        />
      )}
    </>
  );
}
