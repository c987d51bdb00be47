// A table that renders only the rows in view plus a margin, so 10,000 customers scroll as
// smoothly as ten. It stays a real <table> (one sticky header, spacer rows above and below
// the window, fixed column widths so nothing reflows while scrolling) and tells assistive
// tech the full size through aria-rowcount/aria-rowindex. Columns sort from their headers;
// rows move with the arrow keys, Page Up/Down, Home and End; Enter opens, Space toggles.
// Rows come either all at once (`rows`, sorted here) or from a `source` that fetches the
// pages in view from the backend, which sorts them (a million lines never reach the page).
// It is the app's one data grid: the first column stays pinned while the others scroll
// sideways; columns can be hidden, shown and resized (remembered per table id); money columns
// sort within their currency and add up, per currency, in a sticky totals row under the rows
// shown; a currency filter appears when amounts come in more than one currency; with `inUrl`
// the sort, currency and scroll position live in the route, so Back restores them.
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type CSSProperties,
  type ReactNode,
} from "react";
import { formatCount, formatMoney } from "../format";
import { readQuery, useUrlSort, useUrlState, writeQuery } from "../routing/urlState";
import { useColumnLayout } from "./columnLayout";
import { MAX_WIDTH, MIN_WIDTH } from "./columnPrefs";
import { GridBar } from "./GridBar";
import { sortRows, type SortDirection } from "./sort";
import { totalsByCurrency, type CurrencyTotal, type Money } from "./totals";

export interface Column<T> {
  key: string;
  /** Header content; a sortable column wraps it in a button. */
  header: ReactNode;
  /** Width in px: the table lays out fixed, so it never reflows as rows come and go. Wider
   * views share the extra room; narrower ones scroll sideways. */
  width: number;
  /** Right-aligned, tabular digits. */
  numeric?: boolean;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable. Keep it stable (module level): the sort reruns when it changes. */
  compare?: (a: T, b: T) => number;
  /** Sortable by whoever feeds a `source` (the backend), without a `compare` here. */
  sortable?: boolean;
  /** Rows without a value, kept last in both directions. */
  isBlank?: (row: T) => boolean;
  /** An amount with its currency: the column sorts within currency and adds up in the totals. */
  money?: (row: T) => Money | null;
  /** False keeps the column out of the totals (amounts of another month or source). */
  total?: boolean;
  /** How the column's total is written (default: in the currency's cents; amounts with more
   * digits than cents pass `formatMoneyExact`, so the total shows what the cells add up to). */
  formatTotal?: (amount: string, currency: string | null) => string;
  /** Hidden until chosen in the column chooser. */
  hidden?: boolean;
  /** The column's name in the chooser, when the header is not plain text. */
  label?: string;
}

export interface Sort {
  key: string;
  direction: SortDirection;
}

/** Rows fetched a page at a time as they come into view; the backend sorts them. */
export interface RowSource<T> {
  /** Every row of the list, known before most of them are here (the scrollbar's length). */
  count: number;
  /** The row at `index`, or undefined while its page is on its way. */
  row: (index: number) => T | undefined;
  /** The rows drawn are now `first` to `last` (exclusive): fetch what is missing. Keep it stable. */
  onRange: (first: number, last: number) => void;
  /** Changes when the list is another one (another sort or filter): the view goes back to the top. */
  version: string;
}

type Rows<T> =
  | { rows: readonly T[]; source?: never }
  | {
      rows?: never;
      source: RowSource<T>;
      /** The sort shown, which the source applies. */
      sort: Sort;
      onSort: (sort: Sort) => void;
    };

type Props<T> = Rows<T> & {
  caption: string;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  initialSort: Sort;
  testId: string;
  rowTestId: string;
  /** What a row is called to a screen reader ("Contoso, open subscriptions"). */
  rowLabel?: (row: T) => string;
  /** Shown in place of rows when `rows` is empty. */
  empty: ReactNode;
  /** Click or Enter on a row. */
  onOpen?: (row: T) => void;
  /** Space on a row. */
  onToggle?: (row: T) => void;
  /** Height of the row's detail line in px, 0 when it has none. Keep it stable (useCallback). */
  detailHeight?: (row: T) => number;
  /** The detail line under a row whose `detailHeight` is above 0. */
  renderDetail?: (row: T) => ReactNode;
  /** Hears the rows in the order shown whenever it changes (an export of what is seen). */
  onSorted?: (rows: readonly T[]) => void;
  /** Leading columns that stay in view while the others scroll sideways (1 unless said). */
  pinned?: number;
  /** The sort, currency and scroll position in the route's query (one grid per page). */
  inUrl?: boolean;
  /** The totals row per currency (on unless false, for tables with money columns). */
  totals?: boolean;
  /** Totals worked out elsewhere (the backend, for a `source`), shown in the same sticky rows. */
  totalsRows?: readonly CurrencyTotal[] | undefined;
};

/** Row height in px; styles.css gives `.vrow` the same. */
export const ROW_HEIGHT = 36;
const OVERSCAN_PX = 8 * ROW_HEIGHT;
/** The view's height before it is measured (and in jsdom, which has no layout). */
const FALLBACK_HEIGHT = 640;
const INTERACTIVE = "a, button, input, label, select, textarea";

interface Layout {
  total: number;
  offset: (index: number) => number;
  /** The first row whose bottom is below `y`. */
  indexAt: (y: number) => number;
}

function makeLayout(count: number, heights: Float64Array | null): Layout {
  if (!heights) {
    return {
      total: count * ROW_HEIGHT,
      offset: (i) => i * ROW_HEIGHT,
      indexAt: (y) => Math.min(count, Math.max(0, Math.floor(y / ROW_HEIGHT))),
    };
  }
  const offsets = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) offsets[i + 1] = (offsets[i] ?? 0) + (heights[i] ?? ROW_HEIGHT);
  return {
    total: offsets[count] ?? 0,
    offset: (i) => offsets[Math.min(Math.max(i, 0), count)] ?? 0,
    indexAt: (y) => {
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((offsets[mid + 1] ?? 0) > y) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

export function VirtualTable<T>(props: Props<T>) {
  const { rowKey, onOpen, onToggle, detailHeight, renderDetail, onSorted, source, inUrl = false } = props;
  const tableId = props.testId;
  const [urlSort, setUrlSort] = useUrlSort(props.initialSort);
  const [plainSort, setPlainSort] = useState<Sort>(props.initialSort);
  const ownSort = inUrl ? urlSort : plainSort;
  const setOwnSort = inUrl ? setUrlSort : setPlainSort;
  const sort = props.source ? props.sort : ownSort;
  const [urlCurrency, setUrlCurrency] = useUrlState("cur");
  const [plainCurrency, setPlainCurrency] = useState("");
  const currency = inUrl ? urlCurrency : plainCurrency;
  const setCurrency = inUrl ? setUrlCurrency : setPlainCurrency;
  const [initialTop] = useState(() => (inUrl ? Math.max(0, Number(readQuery().get("top")) || 0) : 0));
  const [scrollTop, setScrollTop] = useState(initialTop);
  const { columns, chooser, resize, startResize } = useColumnLayout(tableId, props.columns);
  const [viewHeight, setViewHeight] = useState(FALLBACK_HEIGHT);
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const focusRef = useRef<number | null>(null);

  // The currency of a row: that of its first amount (a row may lack some amounts).
  const moneyColumns = useMemo(() => props.columns.flatMap((c) => (c.money ? [c.money] : [])), [props.columns]);
  const moneyOf = moneyColumns[0];
  const currencyOf = useCallback(
    (row: T) => {
      for (const money of moneyColumns) {
        const m = money(row);
        if (m) return m.currency ?? "";
      }
      return "";
    },
    [moneyColumns],
  );
  const allRows = props.rows;
  const currencies = useMemo(() => {
    if (!allRows || !moneyOf) return [];
    const seen = new Set<string>();
    for (const row of allRows) seen.add(currencyOf(row));
    seen.delete("");
    return [...seen].sort();
  }, [allRows, moneyOf, currencyOf]);
  // A currency no row has (an old link) filters nothing.
  const shownCurrency = currencies.includes(currency) ? currency : "";
  const rows = useMemo(
    () => (allRows && shownCurrency !== "" ? allRows.filter((r) => currencyOf(r) === shownCurrency) : allRows),
    [allRows, shownCurrency, currencyOf],
  );
  const sortColumn = props.columns.find((c) => c.key === sort.key);
  const compare = sortColumn?.compare;
  const isBlank = sortColumn?.isBlank;
  const sortMoney = sortColumn?.money;
  const grouped = useMemo(() => (sortMoney ? (row: T) => sortMoney(row)?.currency ?? "" : undefined), [sortMoney]);
  const sorted = useMemo(
    () => (rows === undefined ? [] : compare ? sortRows(rows, compare, sort.direction, isBlank, grouped) : [...rows]),
    [rows, compare, isBlank, sort.direction, grouped],
  );

  useEffect(() => {
    if (rows !== undefined) onSorted?.(sorted);
  }, [rows, sorted, onSorted]);

  const showTotals = props.totals !== false && !source && moneyOf !== undefined && sorted.length > 0;
  const given = props.totalsRows;
  const totals = useMemo(
    () => given ?? (showTotals ? totalsByCurrency(sorted, currencyOf, columns) : []),
    [given, showTotals, sorted, currencyOf, columns],
  );

  // Back to a page: its scroll position from the route, once the rows are laid out.
  useLayoutEffect(() => {
    if (initialTop > 0 && scrollRef.current) scrollRef.current.scrollTop = initialTop;
  }, [initialTop]);

  const layout = useMemo(() => {
    if (source) return makeLayout(source.count, null);
    if (!detailHeight) return makeLayout(sorted.length, null);
    const heights = new Float64Array(sorted.length);
    sorted.forEach((row, i) => {
      heights[i] = ROW_HEIGHT + detailHeight(row);
    });
    return makeLayout(sorted.length, heights);
  }, [source, sorted, detailHeight]);

  // Another list from the source starts at its top.
  const version = source?.version;
  const shownVersion = useRef(version);
  useEffect(() => {
    if (shownVersion.current === version) return;
    shownVersion.current = version;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setScrollTop(0);
    if (inUrl) writeQuery({ top: null });
    setActive(0);
  }, [version, inUrl]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      setViewHeight(el.clientHeight || FALLBACK_HEIGHT);
      setScrollTop(el.scrollTop);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);

  useEffect(() => {
    // After a keyboard move the target row exists now: give it the focus.
    const index = focusRef.current;
    if (index === null) return;
    focusRef.current = null;
    bodyRef.current?.querySelector<HTMLElement>(`tr[data-index="${index}"]`)?.focus({ preventScroll: true });
  });

  const count = source ? source.count : sorted.length;
  const rowAt = (i: number): T | undefined => (source ? source.row(i) : sorted[i]);
  // Fewer rows (a search) shorten the table before the browser reports the clamped scroll.
  const scrolled = Math.min(scrollTop, Math.max(0, layout.total - viewHeight + ROW_HEIGHT));
  const first = layout.indexAt(scrolled - OVERSCAN_PX);
  const last = Math.min(count, layout.indexAt(scrolled + viewHeight + OVERSCAN_PX) + 1);
  const current = Math.min(active, Math.max(0, count - 1));
  // One row is in the Tab order: the active one, or the first rendered when it scrolled away.
  const tabbable = current >= first && current < last ? current : first;

  const onRange = source?.onRange;
  useEffect(() => {
    onRange?.(first, last);
  }, [onRange, first, last, version]);

  function toggleSort(key: string) {
    const next: Sort =
      sort.key === key
        ? { key, direction: sort.direction === "ascending" ? "descending" : "ascending" }
        : { key, direction: "ascending" };
    if (props.source) props.onSort(next);
    else setOwnSort(next);
  }

  function moveTo(target: number) {
    const index = Math.min(Math.max(target, 0), count - 1);
    const el = scrollRef.current;
    if (el) {
      const head = headRef.current?.offsetHeight ?? 0;
      const view = el.clientHeight || viewHeight;
      const top = layout.offset(index);
      const bottom = top + ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (bottom > el.scrollTop + view - head) el.scrollTop = bottom - view + head;
      setScrollTop(el.scrollTop);
    }
    focusRef.current = index;
    setActive(index);
  }

  function onRowKeyDown(e: KeyboardEvent<HTMLTableRowElement>, row: T | undefined, index: number) {
    const onRow = e.target === e.currentTarget;
    const page = Math.max(1, Math.floor(viewHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    };
    const target = moves[e.key];
    if (target !== undefined && (onRow || e.key.startsWith("Arrow"))) {
      e.preventDefault();
      moveTo(target);
    } else if (row === undefined) {
      return;
    } else if (onRow && e.key === "Enter" && onOpen) {
      e.preventDefault();
      onOpen(row);
    } else if (onRow && e.key === " " && onToggle) {
      e.preventDefault();
      onToggle(row);
    }
  }

  function onRowClick(e: MouseEvent<HTMLTableRowElement>, row: T, index: number) {
    setActive(index);
    // A click on a checkbox, button or link in the row does its own thing.
    if (e.target instanceof Element && e.target.closest(INTERACTIVE)) return;
    onOpen?.(row);
  }

  // Pinned columns stick at their left edge, after the pinned ones before them.
  const pinnedCount = Math.min(props.pinned ?? 1, columns.length);
  const pinStyle: (CSSProperties | undefined)[] = [];
  let pinLeft = 0;
  for (let i = 0; i < pinnedCount; i++) {
    pinStyle.push({ left: pinLeft });
    pinLeft += columns[i]?.width ?? 0;
  }
  const cellClass = (c: Column<T>, i: number) =>
    [c.numeric ? "num" : "", i < pinnedCount ? "pin" : "", i === pinnedCount - 1 ? "pin-last" : ""].filter(Boolean).join(" ") || undefined;

  const topSpace = layout.offset(first);
  const bottomSpace = layout.total - layout.offset(last);
  const span = columns.length;
  const body: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const row = rowAt(i);
    if (row === undefined) {
      if (!source) continue;
      // Its page is on its way: a row of the same height keeps the scrollbar honest.
      body.push(
        <tr
          key={`loading ${i}`}
          className="vrow loading"
          data-index={i}
          data-testid={`${props.rowTestId}-loading`}
          aria-rowindex={i + 2}
          aria-busy="true"
          tabIndex={i === tabbable ? 0 : -1}
          onFocus={() => {
            setActive(i);
          }}
          onKeyDown={(e) => {
            onRowKeyDown(e, undefined, i);
          }}
        >
          <td colSpan={span} className="hint">
            Loading…
          </td>
        </tr>,
      );
      continue;
    }
    const key = rowKey(row);
    body.push(
      <tr
        key={key}
        className={onOpen ? "vrow openable" : "vrow"}
        data-index={i}
        data-testid={props.rowTestId}
        aria-rowindex={i + 2}
        aria-label={props.rowLabel?.(row)}
        tabIndex={i === tabbable ? 0 : -1}
        onFocus={() => {
          setActive(i);
        }}
        onClick={(e) => {
          onRowClick(e, row, i);
        }}
        onKeyDown={(e) => {
          onRowKeyDown(e, row, i);
        }}
      >
        {columns.map((c, ci) => (
          <td key={c.key} data-col={c.key} className={cellClass(c, ci)} style={pinStyle[ci]}>
            {c.cell(row)}
          </td>
        ))}
      </tr>,
    );
    const extra = detailHeight?.(row) ?? 0;
    if (extra > 0 && renderDetail) {
      body.push(
        <tr key={`${key} detail`} className="vdetail" style={{ height: extra }}>
          <td colSpan={span}>{renderDetail(row)}</td>
        </tr>,
      );
    }
  }

  const width = columns.reduce((w, c) => w + c.width, 0);
  return (
    <>
    <GridBar
      testId={props.testId}
      currencies={currencies}
      currency={shownCurrency}
      onCurrency={setCurrency}
      {...chooser}
    />
    <div
      className="vtable"
      ref={scrollRef}
      data-testid={props.testId}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        setScrollTop(top);
        if (inUrl) writeQuery({ top: top > 0 ? String(Math.round(top)) : null });
      }}
    >
      <table className="grid vgrid" aria-rowcount={count + 1} style={{ minWidth: width }}>
        <caption className="visually-hidden">{props.caption}</caption>
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} data-col={c.key} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead ref={headRef}>
          <tr aria-rowindex={1}>
            {columns.map((c, ci) => {
              const sortedHere = sort.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={cellClass(c, ci)}
                  style={pinStyle[ci]}
                  aria-sort={c.compare || c.sortable ? (sortedHere ? sort.direction : "none") : undefined}
                >
                  {c.compare || c.sortable ? (
                    <button
                      type="button"
                      className="sort"
                      data-testid={`sort-${c.key}`}
                      onClick={() => {
                        toggleSort(c.key);
                      }}
                    >
                      {c.header}
                      <span className="sort-mark" aria-hidden="true">
                        {sortedHere ? (sort.direction === "ascending" ? "▲" : "▼") : ""}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                  <span
                    className="col-resize"
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Resize ${c.label ?? (typeof c.header === "string" ? c.header : c.key)}`}
                    aria-valuenow={c.width}
                    aria-valuemin={MIN_WIDTH}
                    aria-valuemax={MAX_WIDTH}
                    tabIndex={0}
                    data-testid={`resize-${c.key}`}
                    onMouseDown={(e) => {
                      startResize(e, c);
                    }}
                    onKeyDown={(e) => {
                      const step = e.key === "ArrowRight" ? 10 : e.key === "ArrowLeft" ? -10 : 0;
                      if (step === 0) return;
                      e.preventDefault();
                      resize(c.key, c.width + step);
                    }}
                  />
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {count === 0 ? (
            <tr>
              <td colSpan={span} className="vempty">
                {props.empty}
              </td>
            </tr>
          ) : (
            <>
              {topSpace > 0 && (
                <tr className="spacer" aria-hidden="true" style={{ height: topSpace }}>
                  <td colSpan={span} />
                </tr>
              )}
              {body}
              {bottomSpace > 0 && (
                <tr className="spacer" aria-hidden="true" style={{ height: bottomSpace }}>
                  <td colSpan={span} />
                </tr>
              )}
            </>
          )}
        </tbody>
        {totals.length > 0 && (
          <tfoot data-testid={`${props.testId}-totals`}>
            {totals.map((t) => (
              <tr key={t.currency} className="totals" data-currency={t.currency}>
                {columns.map((c, ci) => (
                  <td key={c.key} data-col={c.key} className={cellClass(c, ci)} style={pinStyle[ci]}>
                    {ci === pinnedCount - 1 ? (
                      <span className="totals-label">
                        Total{t.currency ? ` ${t.currency}` : ""}{" "}
                        <span className="hint">
                          · {formatCount(t.rows)} {t.rows === 1 ? "row" : "rows"}
                        </span>
                      </span>
                    ) : t.sums[c.key] !== undefined ? (
                      (c.formatTotal ?? formatMoney)(t.sums[c.key] ?? "0", t.currency || null)
                    ) : null}
                  </td>
                ))}
              </tr>
            ))}
          </tfoot>
        )}
      </table>
    </div>
    </>
  );
}
