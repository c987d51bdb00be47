-- Issue 16: what a new-commerce reconciliation line says of the term it charges, kept as sent
-- (v1 `orderDate`, `subscriptionStartDate`, `subscriptionEndDate`, `termAndBillingCycle`; the
-- same PascalCase columns of Graph's reconciliation exports), so the licence check dates a
-- renewed term by its own start instead of its subscription's creation. NULL when the line
-- did not send them (lines written before this migration, `basic` Graph exports without the
-- subscription dates): the check then falls back to the subscription's creation and says so.
ALTER TABLE billing_line_items ADD COLUMN order_date TEXT;
ALTER TABLE billing_line_items ADD COLUMN subscription_start_date TEXT;
ALTER TABLE billing_line_items ADD COLUMN subscription_end_date TEXT;
ALTER TABLE billing_line_items ADD COLUMN term_and_billing_cycle TEXT;
ALTER TABLE unbilled_reconciliation_lines ADD COLUMN order_date TEXT;
ALTER TABLE unbilled_reconciliation_lines ADD COLUMN subscription_start_date TEXT;
ALTER TABLE unbilled_reconciliation_lines ADD COLUMN subscription_end_date TEXT;
ALTER TABLE unbilled_reconciliation_lines ADD COLUMN term_and_billing_cycle TEXT;
ALTER TABLE graph_staged_lines ADD COLUMN order_date TEXT;
ALTER TABLE graph_staged_lines ADD COLUMN subscription_start_date TEXT;
ALTER TABLE graph_staged_lines ADD COLUMN subscription_end_date TEXT;
ALTER TABLE graph_staged_lines ADD COLUMN term_and_billing_cycle TEXT;
