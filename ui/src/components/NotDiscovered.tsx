// The pages whose data comes from Discovery, before anything is discovered: they say
// so and point at the next step instead of showing an empty table.
import { href, type Page } from "../routing/route";

const WHAT: Record<Exclude<Page, "accounts">, string> = {
  customers: "your CSP customers with their tenants, domains and relationships",
  subscriptions: "every customer subscription with its offer, status, quantity and billing cycle",
  dashboard: "cost and resale trends, top customers and margins",
  billing: "Microsoft invoices down to each customer's line items",
  reconciliation: "your rated cost against each invoice, with every difference explained",
  stack: "your Azure Stack Hub registrations and the customer subscriptions billed through them",
  costs: "your Azure (MCA) costs from Cost Management exports, split to each customer",
  prices: "Microsoft's price sheets and FX rates month by month, and each meter's price history",
};

export function NotDiscovered({ title, page }: { title: string; page: Exclude<Page, "accounts"> }) {
  return (
    <section>
      <h1 id="page-title">{title}</h1>
      <div className="empty" role="status" data-testid="empty-state">
        <p className="empty-title">Nothing discovered yet</p>
        <p>
          This page will show {WHAT[page]}. Add your partner account on{" "}
          <a href={href("accounts")}>Accounts</a>, sign in with Microsoft and run Discovery to fill it.
        </p>
      </div>
    </section>
  );
}
