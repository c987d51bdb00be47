-- The Billing pages read one customer's lines of one invoice: index them by customer so a
-- page of a million-line invoice does not scan the whole invoice.
CREATE INDEX billing_line_items_by_customer ON billing_line_items(account_id, invoice_id, customer_id);
CREATE INDEX legacy_line_items_by_customer ON legacy_line_items(account_id, invoice_id, customer_id);

-- Per-customer totals of an invoice whose lines are all read, so an invoice of a million
-- lines opens without summing them again. Written in the same transaction that reads the
-- lines; every write of the invoice's lines (Ingest) deletes them.
CREATE TABLE invoice_customer_totals (
    account_id    TEXT NOT NULL,
    invoice_id    TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    customer_name TEXT,
    lines         INTEGER NOT NULL,
    cost          TEXT NOT NULL,
    PRIMARY KEY (account_id, invoice_id, customer_id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices(account_id, id) ON DELETE CASCADE
) STRICT;
