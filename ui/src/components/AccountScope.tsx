// Pages that work on one partner account at a time (Azure Stack, Azure costs): the accounts
// are loaded, the one named in the deep link (else the first) is chosen, a picker appears
// when there are several, and the page's own empty state stands in when there is none.
import { type ReactNode } from "react";
import { type AccountDto } from "../ipc";
import { href, type Page } from "../routing/route";
import { Empty, Failed, Loading } from "./QueryState";
import { useAccountList } from "../features/accounts/queries";

export function AccountScope({
  page,
  title,
  accountId,
  noAccount,
  children,
}: {
  page: Page;
  title: string;
  /** The account named in the deep link. */
  accountId: string | undefined;
  /** What to do when no partner account exists yet. */
  noAccount: ReactNode;
  children: (account: AccountDto) => ReactNode;
}) {
  const list = useAccountList();
  if (list.isPending) return <Loading>Loading accounts…</Loading>;
  if (list.isError) return <Failed error={list.error} retry={() => void list.refetch()} />;
  const accounts = list.data;
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  if (!account)
    return (
      <>
        <h1 id="page-title">{title}</h1>
        <Empty what="No partner account yet" next={noAccount} />
      </>
    );
  const pickerId = `${page}-account`;
  return (
    <>
      <h1 id="page-title">{title}</h1>
      {accounts.length > 1 && (
        <div className="toolbar">
          <div className="field">
            <label htmlFor={pickerId}>Partner account</label>
            <select
              id={pickerId}
              value={account.id}
              onChange={(e) => {
                window.location.hash = href(page, e.target.value);
              }}
            >
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {children(account)}
    </>
  );
}
