// Prices (#/prices/<accountId>?tab=sheets|meter|fx&month=&view=&market=&meter=): what
// Microsoft's Pricing API sheets and FX rates held for an account say. The sheets by month and
// view with one sheet's rows in the grid (paged from the backend: a sheet can hold 500,000
// rows), a meter's unit price month by month per tier as a chart and a table in each billing
// currency, and the FX rates per month. Everything is read from the database: Discovery (with
// the Pricing API consent) or `cspdesk prices import` writes it.
import type { AccountDto } from "../../ipc";
import { AccountScope } from "../../components/AccountScope";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { href } from "../../routing/route";
import { useUrlState } from "../../routing/urlState";
import { useSheets } from "./queries";
import { Sheets } from "./Sheets";
import { MeterHistory } from "./MeterHistory";
import { FxRates } from "./FxRates";

const TABS = [
  { key: "sheets", label: "Price sheets" },
  { key: "meter", label: "Meter history" },
  { key: "fx", label: "FX rates" },
] as const;
type Tab = (typeof TABS)[number]["key"];

export function PricesPage({ rest }: { rest: string[] }) {
  return (
    <AccountScope
      page="prices"
      title="Prices"
      accountId={rest[0]}
      noAccount={
        <>
          Add your partner account on the <a href={href("accounts")}>Accounts</a> page and run Discovery: it reads
          Microsoft&apos;s price sheets and FX rates month by month.
        </>
      }
    >
      {(account) => (
        <>
          <p className="lead">
            Microsoft&apos;s Azure plan prices (USD, before partner earned credit) and FX rates, month by month, as rating
            uses them.
          </p>
          <AccountPrices key={account.id} account={account} />
        </>
      )}
    </AccountScope>
  );
}

/** What to do when nothing is held yet. */
export function NoSheets() {
  return (
    <Empty
      testId="prices-empty"
      what="No price sheets yet"
      next={
        <>
          Run Discovery with the Pricing API consent (see docs/connect-a-real-partner.md) or import one with{" "}
          <code>cspdesk prices import --account NAME --kind pricing-sheet --month YYYY-MM FILE</code> (and its FX rates with{" "}
          <code>--kind fx-rates</code>).
        </>
      }
    />
  );
}

function AccountPrices({ account }: { account: AccountDto }) {
  const [tabText, setTab] = useUrlState("tab", "sheets");
  const tab: Tab = TABS.some((t) => t.key === tabText) ? (tabText as Tab) : "sheets";
  const [meter, setMeter] = useUrlState("meter");
  const sheets = useSheets(account.id);
  if (sheets.isPending) return <Loading>Loading price sheets…</Loading>;
  if (sheets.isError) return <Failed error={sheets.error} retry={() => void sheets.refetch()} lead="Price sheets could not be read: " />;
  if (sheets.data.length === 0) return <NoSheets />;
  return (
    <>
      <div className="view-switch" role="group" aria-label="Show">
        {TABS.map((t) => (
          <button
            key={t.key}
            type="button"
            data-testid={`prices-tab-${t.key}`}
            aria-pressed={tab === t.key}
            onClick={() => {
              setTab(t.key);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "sheets" && (
        <Sheets
          accountId={account.id}
          sheets={sheets.data}
          onMeter={(id) => {
            setMeter(id);
            setTab("meter");
          }}
        />
      )}
      {tab === "meter" && <MeterHistory accountId={account.id} meter={meter} onMeter={setMeter} />}
      {tab === "fx" && <FxRates accountId={account.id} />}
    </>
  );
}
