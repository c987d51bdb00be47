// Markup editor (#/customers/<account>/<customer>/markup, #/customers/organizations/<id>/markup):
// what a customer tenant or an organization pays on top of Microsoft's cost. Shows what is in
// effect today, changes it from a day (a percentage, per-category overrides, a monthly fee),
// and lists every change ever made: the history is append-only, a same-day change of the same
// term corrects the earlier one. Values travel as the exact text typed (trimmed); the backend
// validates and its error lands next to the field it names.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { invalidate } from "../../data/queryClient";
import { Failed, Loading } from "../../components/QueryState";
import { MarkupForm } from "./MarkupForm";
import { customerKeys, useMarkup } from "./queries";
import { type MarkupChangeDto, type MarkupDto, type MarkupTargetDto, type MarkupTermDto } from "../../ipc";
import { formatDateTime, formatDay, formatPercent } from "../../format";
import { feeText } from "./markupEffect";
import { compareDecimal } from "../../table/sort";
import { href } from "../../routing/route";

export function MarkupPage({ target: routed }: { target: MarkupTargetDto }) {
  // The route keys this page, so the target is fixed for its life.
  const [target] = useState(routed);
  const load = useMarkup(target);
  const client = useQueryClient();
  // A saved change shows in the history here and in the Customers list's markup column.
  const reload = () => void invalidate(client, customerKeys.all);

  const name = load.data?.markup.name ?? null;
  // The backend names the fee's currency: the billing currency of the customer (or the one
  // its organization's tenants share), known from its invoices and usage.
  const feeCurrency = load.data?.markup.currency ?? null;
  const kind = target.kind === "customer" ? "customer" : "organization";

  return (
    <section className="markup-page">
      <h1 id="page-title" data-testid="markup-title">
        {load.isError ? "Markup" : `Markup of ${name ?? "…"}`}
      </h1>
      <p className="lead">
        <a href={href("customers")} data-testid="markup-back">
          ← Customers
        </a>
        {target.kind === "customer" && (
          <>
            {" · "}
            <a
              href={href("subscriptions", target.customer.accountId, target.customer.customerId)}
              data-testid="markup-subscriptions"
            >
              Subscriptions
            </a>
          </>
        )}
        <br />
        {kind === "customer"
          ? "What this customer pays on top of Microsoft's cost. A customer's own markup replaces its organization's."
          : "What the tenants of this organization pay on top of Microsoft's cost, unless a tenant has a markup of its own."}
      </p>
      {load.isPending && <Loading>Loading the markup…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} testId="markup-load-error" />}
      {load.data && (
        <>
          <MarkupForm
            target={target}
            markup={load.data.markup}
            readOnly={load.data.readOnly}
            onSaved={reload}
            feeCurrency={feeCurrency}
            before={
              <>
                <CurrentTerms markup={load.data.markup} feeCurrency={feeCurrency} />
                {load.data.readOnly && (
                  <p className="banner" role="note" data-testid="markup-read-only">
                    Read-only finance view: changing markups needs a partner admin (Global Administrator).
                  </p>
                )}
              </>
            }
          />
          <History markup={load.data.markup} feeCurrency={feeCurrency} />
        </>
      )}
    </section>
  );
}

function CurrentTerms({ markup, feeCurrency }: { markup: MarkupDto; feeCurrency: string | null }) {
  const nothing = markup.percent === null && markup.categories.length === 0 && markup.monthlyFee === null;
  return (
    <section className="card" aria-labelledby="markup-current-title" data-testid="markup-current">
      <h2 id="markup-current-title">In effect today</h2>
      <p className="hint">On {formatDay(markup.on)}</p>
      {nothing && (
        <p data-testid="markup-current-none">No markup: {markup.name} is charged Microsoft&apos;s cost.</p>
      )}
      <dl className="stats">
        <div>
          <dt>Percentage</dt>
          <dd data-testid="markup-current-percent">{markup.percent === null ? "—" : formatPercent(markup.percent)}</dd>
        </div>
        <div>
          <dt>Monthly fee</dt>
          <dd data-testid="markup-current-fee">{markup.monthlyFee === null ? "—" : feeText(markup.monthlyFee, feeCurrency)}</dd>
        </div>
      </dl>
      {markup.categories.length > 0 && (
        <table className="grid compact markup-categories" data-testid="markup-current-categories">
          <caption>Category overrides</caption>
          <thead>
            <tr>
              <th scope="col">Meter category</th>
              <th scope="col" className="num">
                Percentage
              </th>
            </tr>
          </thead>
          <tbody>
            {markup.categories.map(([category, percent]) => (
              <tr key={category} data-testid="markup-current-category">
                <td>{category}</td>
                <td className="num">{formatPercent(percent)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function changeOf(term: MarkupTermDto, feeCurrency: string | null): { what: string; value: string } {
  switch (term.kind) {
    case "percent":
      return { what: "Percentage", value: formatPercent(term.percent) };
    case "listPercent":
      return { what: "Percentage on list price", value: formatPercent(term.percent) };
    case "categoryPercent":
      return term.percent === null
        ? { what: `${term.category} override removed`, value: "—" }
        : { what: `${term.category} override`, value: formatPercent(term.percent) };
    case "monthlyFee":
      return compareDecimal(term.fee, "0") === 0
        ? { what: "Monthly fee ended", value: feeText(term.fee, feeCurrency) }
        : { what: "Monthly fee", value: feeText(term.fee, feeCurrency) };
  }
}

function History({ markup, feeCurrency }: { markup: MarkupDto; feeCurrency: string | null }) {
  // Newest first: the backend sends oldest first (by day, then as entered).
  const rows: MarkupChangeDto[] = [...markup.history].reverse();
  return (
    <section className="card" aria-labelledby="markup-history-title">
      <h2 id="markup-history-title">History</h2>
      {rows.length === 0 ? (
        <p className="hint" data-testid="markup-history-empty">
          No markup was ever set for {markup.name}.
        </p>
      ) : (
        <table className="grid compact markup-history" data-testid="markup-history">
          <caption className="visually-hidden">Every markup change of {markup.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Effective from</th>
              <th scope="col">Change</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Entered</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const { what, value } = changeOf(c.term, feeCurrency);
              return (
                <tr key={c.id} data-testid="markup-history-row">
                  <td>
                    {formatDay(c.effectiveFrom)}
                    {c.effectiveFrom > markup.on && <span className="badge">upcoming</span>}
                  </td>
                  <td>{what}</td>
                  <td className="num">{value}</td>
                  <td>{formatDateTime(c.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

