-- The Billing pages read one customer's lines of one invoice: index them by customer so a
-- page of a million-line invoice does not scan the whole invoice.
CREATE INDEX billing_line_items_by_customer ON billing_line_items(account_id, invoice_id, customer_id);
CREATE INDEX legacy_line_items_by_customer ON legacy_line_items(account_id, invoice_id, customer_id);
