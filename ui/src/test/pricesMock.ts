// The Prices part of the fake backend: sheets, their rows (searched, sorted and paged here as
// the backend does), meters' histories and FX rates, all set by each test.
import type { ApiError, FxTableDto, MeterHistoryDto, SheetDto, SheetRowDto } from "../ipc";
import type { MockHandlers } from "./ipcMock";
import { compareDecimal, compareText } from "../table/sort";

export const pricesMock: {
  sheets: SheetDto[];
  rows: Map<number, SheetRowDto[]>;
  meters: Map<string, MeterHistoryDto>;
  fx: FxTableDto;
} = { sheets: [], rows: new Map(), meters: new Map(), fx: { billing: [], currencies: [], months: [] } };

export function resetPricesMock() {
  pricesMock.sheets = [];
  pricesMock.rows = new Map();
  pricesMock.meters = new Map();
  pricesMock.fx = { billing: [], currencies: [], months: [] };
}

export const pricesHandlers: MockHandlers = {
  prices_list_sheets: () => pricesMock.sheets,
  prices_list_rows: (a) => {
    const all = pricesMock.rows.get(a.sheetId) ?? [];
    const needle = a.query.search.toLowerCase();
    const shown = all.filter((r) => needle === "" || [r.product, r.sku, r.meterId ?? ""].some((t) => t.toLowerCase().includes(needle)));
    if (a.query.sort === "unitPrice") shown.sort((x, y) => compareDecimal(x.unitPrice, y.unitPrice));
    else if (a.query.sort === "product") shown.sort((x, y) => compareText(x.product, y.product));
    if (a.query.descending) shown.reverse();
    return { offset: a.offset, total: shown.length, all: all.length, rows: shown.slice(a.offset, a.offset + a.limit) };
  },
  prices_get_meter_history: (a) => {
    const h = pricesMock.meters.get(a.meterId);
    if (!h) {
      const err: ApiError = { code: "NotFound", message: `No azure_consumption price sheet held lists the meter ${a.meterId}: check the meter id`, field: "meterId" };
      throw err;
    }
    return h;
  },
  prices_list_fx_rates: () => pricesMock.fx,
};
