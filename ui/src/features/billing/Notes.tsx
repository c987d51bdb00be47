// Credit and adjustment notes: documents of their own that Microsoft issues against an
// invoice (`amendments`, each with `amendsOf`). Billing lists them under the invoice they
// amend; each opens like an invoice, with its customers and lines.
import { type InvoiceDto } from "../../ipc";
import { formatMoney } from "../../format";
import { href } from "../../routing/route";
import { maybeDay } from "./cells";

/** What the document is, in words: Microsoft sends `invoice`, `adjustment_note`, `void_note`. */
export function documentLabel(i: InvoiceDto): string {
  const t = (i.documentType ?? "invoice").toLowerCase().replace(/[_\s]/g, "");
  if (t.includes("credit")) return "Credit note";
  if (t.includes("adjustment")) return "Adjustment note";
  if (t.includes("void")) return "Void note";
  return i.amendsOf ? "Note" : "Invoice";
}

/** A note's line on the invoice list: what it is and which invoice it amends. */
export function DocumentCell({ invoice }: { invoice: InvoiceDto }) {
  const label = documentLabel(invoice);
  if (label === "Invoice" && !invoice.total.startsWith("-")) return <>{label}</>;
  return (
    <span className="badge warn" title={invoice.amendsOf ? `Amends invoice ${invoice.amendsOf}` : undefined}>
      {label === "Invoice" ? "Credit note" : label}
    </span>
  );
}

/** On a note's page: the invoice it amends. */
export function Amends({ accountId, invoice }: { accountId: string; invoice: InvoiceDto }) {
  if (!invoice.amendsOf) return null;
  return (
    <p className="hint" data-testid="invoice-amends">
      {documentLabel(invoice)} amending invoice{" "}
      <a href={href("billing", accountId, invoice.amendsOf)}>{invoice.amendsOf}</a>, counted in its billing period.
    </p>
  );
}

/** On an invoice's page: the notes issued against it. */
export function NotesOf({ accountId, notes }: { accountId: string; notes: InvoiceDto[] }) {
  if (notes.length === 0) return null;
  return (
    <section className="card" aria-labelledby="invoice-notes-title" data-testid="invoice-notes">
      <h2 id="invoice-notes-title">Credit and adjustment notes</h2>
      <table className="grid compact">
        <thead>
          <tr>
            <th>Note</th>
            <th>Date</th>
            <th>Document</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {notes.map((n) => (
            <tr key={n.id} data-testid="invoice-note-row">
              <td>
                <a href={href("billing", accountId, n.id)}>{n.id}</a>
              </td>
              <td>{maybeDay(n.invoiceDate)}</td>
              <td>{documentLabel(n)}</td>
              <td className="num">{formatMoney(n.total, n.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Each note is a document of its own: open it for its customers and lines.</p>
    </section>
  );
}
