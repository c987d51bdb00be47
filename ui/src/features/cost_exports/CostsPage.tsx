// Azure costs (#/costs/<accountId>/<actual|amortized>/<YYYY-MM|all>/<customerTenantId>): Azure
// MCA partner billing read from Cost Management exports. A source is the storage container the
// partner's exports land in, reached with a SAS URL that the backend keeps only in the OS
// keyring; Import reads the runs not yet imported; the costs are then split per customer (with
// its organization) and per pricing model (reservations and savings plans apart), in the actual
// or the amortized view, and a customer opens to its own cost rows. Everything shown is read
// from the database, so the page works offline once imported.
import { useQueryClient } from "@tanstack/react-query";
import type { AccountDto } from "../../ipc";
import { invalidateAfterImport } from "../../data/queryClient";
import { useCostSources } from "./queries";
import { href } from "../../routing/route";
import { AccountScope } from "../../components/AccountScope";
import { Sources } from "./Sources";
import { Split } from "./Split";
import { parseView, type View } from "./view";

export function CostsPage({ rest }: { rest: string[] }) {
  const view = parseView(rest);
  return (
    <AccountScope
      page="costs"
      title="Azure costs"
      accountId={view.accountId}
      noAccount={
        <>
          Add your partner account on the <a href={href("accounts")}>Accounts</a> page; then connect the storage
          container your Cost Management exports are delivered to here.
        </>
      }
    >
      {(account) => (
        <>
          <p className="lead">
            Azure (Microsoft Customer Agreement) costs from your Cost Management exports, split to your customers by
            their tenant.
          </p>
          <AccountCosts key={account.id} account={account} view={view} />
        </>
      )}
    </AccountScope>
  );
}

function AccountCosts({ account, view }: { account: AccountDto; view: View }) {
  const client = useQueryClient();
  const sources = useCostSources(account.id);
  return (
    <>
      <Sources
        account={account}
        sources={sources}
        onChanged={() => {
          // An import or a removal changes the sources and the split; an import also Billing and Customers.
          void invalidateAfterImport(client, "cost_exports");
        }}
      />
      {sources.data && sources.data.length > 0 && <Split account={account} view={view} />}
    </>
  );
}
