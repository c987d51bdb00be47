// Pages that work on one partner account at a time (Azure Stack, Azure costs): the accounts
// are loaded, the one named in the deep link (else the first) is chosen, a picker appears
// when there are several, and the page's own empty state stands in when there is none.
import { useEffect, useState, type ReactNode } from "react";
import { accounts as accountsApi, toApiError, type AccountDto, type ApiError } from "../ipc";
import { href, type Page } from "../routing/route";

type Load = { state: "loading" } | { state: "ready"; data: AccountDto[] } | { state: "failed"; error: ApiError };

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
  const [list, setList] = useState<Load>({ state: "loading" });
  useEffect(() => {
    accountsApi.list().then(
      (data) => { setList({ state: "ready", data }); },
      (e: unknown) => { setList({ state: "failed", error: toApiError(e) }); },
    );
  }, []);

  if (list.state === "loading") return <p role="status">Loading accounts…</p>;
  if (list.state === "failed")
    return (
      <p className="error" role="alert">
        {list.error.message}
      </p>
    );
  const accounts = list.data;
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  if (!account)
    return (
      <>
        <h1 id="page-title">{title}</h1>
        <div className="empty">
          <p className="empty-title">No partner account yet</p>
          <p>{noAccount}</p>
        </div>
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
