// The words the Discovery panel uses for the backend's enums, in one place so the badge,
// the history and the tests agree.
import type { ExportStageDto, PhaseDto, RunStateDto, TriggerDto } from "../../ipc";

/** The state badge texts; each state also has its own colour and mark (styles.css). */
export const RUN_STATE_LABEL: Record<RunStateDto, string> = {
  notStarted: "Not started",
  inProgress: "In progress",
  stopped: "Stopped",
  error: "Error",
  completed: "Completed",
};

export const TRIGGER_LABEL: Record<TriggerDto, string> = {
  manual: "Manual",
  scheduled: "Scheduled",
};

export const PHASE_LABEL: Record<PhaseDto, string> = {
  customers: "Reading customers",
  subscriptions: "Reading subscriptions",
  usage: "Reading Azure usage",
  prices: "Reading prices",
  invoices: "Reading invoices",
  unbilled: "Reading unbilled usage",
  finishing: "Finishing",
  microsoftPrices: "Reading Microsoft prices",
  rating: "Rating usage",
};

const ENTITY_LABEL = new Map([
  ["customers", "Customers"],
  ["subscriptions", "Subscriptions"],
  ["entitlements", "Azure entitlements"],
  ["utilization", "Azure utilization"],
  ["rateCards", "Rate cards"],
  ["invoices", "Invoices"],
  ["billingLineItems", "Invoice line items"],
  ["legacyLineItems", "Legacy invoice line items"],
  ["dailyUsage", "Daily usage"],
  ["manifests", "Export manifests"],
  ["pricingSheetRows", "Price sheet rows"],
  ["fxRates", "FX rates"],
  ["costRows", "Cost rows"],
  ["stackSubscriptions", "Stack user subscriptions"],
  ["stackUsageDays", "Stack usage days"],
  ["stackUsage", "Stack usage records"],
]);

/** Writes that keep Discovery's own books (a Graph export's version, rows staged before
 * they move into place, counted there): not data a user reads, so not listed. */
const BOOKKEEPING = new Set(["graphExports", "graphStaged"]);

/** Whether the panel lists a kind of data among the rows written. */
export function isDataEntity(entity: string): boolean {
  return !BOOKKEEPING.has(entity);
}

/** A kind of data in words; one the UI does not know yet shows as sent. A prices run names
 * each file it read: `sheet:{view}/{market}/{month}` and `fx:{month}`. */
export function entityLabel(entity: string): string {
  const sheet = /^sheet:([^/]+)\/([^/]+)\/(.+)$/.exec(entity);
  if (sheet) return `${sheetViewLabel(sheet[1] ?? "")} price sheet ${sheet[2] ?? ""} ${sheet[3] ?? ""}`;
  const fx = /^fx:(.+)$/.exec(entity);
  if (fx) return `FX rates ${fx[1] ?? ""}`;
  return ENTITY_LABEL.get(entity) ?? entity;
}

/** A Pricing API sheet view in words. */
export function sheetViewLabel(view: string): string {
  if (view === "azure_consumption") return "Azure plan";
  if (view === "updatedlicensebased") return "Licence";
  if (view === "fxRates") return "FX rates";
  return view;
}

/** A Graph billing export's stage in words (the panel adds the blob and row counts). */
export const EXPORT_STAGE_LABEL: Record<ExportStageDto, string> = {
  requested: "requested",
  preparing: "Microsoft preparing",
  queued: "ready, waiting to download",
  downloading: "downloading",
  writing: "writing",
  unchanged: "unchanged, nothing downloaded",
  noData: "no data yet",
  done: "done",
  stopped: "stopped",
  failed: "failed",
};
