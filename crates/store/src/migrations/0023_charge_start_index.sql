-- Reconciliation lines found by the month their charge starts in: the licence check of a
-- month (the Reconciliation page) reads that month's lines only, not the account's every
-- line (crates/store/src/pricing/licences.rs). ISO dates sort as text, so a month is a
-- range of the index.
CREATE INDEX billing_line_items_by_charge_start
    ON billing_line_items (account_id, charge_start_date);
CREATE INDEX unbilled_reconciliation_by_charge_start
    ON unbilled_reconciliation_lines (account_id, charge_start_date);
