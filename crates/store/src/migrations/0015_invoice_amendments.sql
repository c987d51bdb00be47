-- Credit and adjustment notes, and legacy Office licence lines (issue 18).
-- A note (documentType adjustment_note, void_note, ...) is stored as its own invoice row
-- with the id of the invoice it amends: its own total, date and lines, shown under that
-- invoice and counted in that invoice's period.
ALTER TABLE invoices ADD COLUMN amends_of TEXT;
CREATE INDEX invoices_by_amended ON invoices(account_id, amends_of);
-- Legacy lines keep their price per unit (Azure listPrice, Office unitPrice), the unit of
-- their quantity (Azure) and their billing cycle as sent. Office's quantity, subtotal and
-- tax are written to consumed_quantity, pretax_charges and tax_amount, the columns that
-- already mean units billed, pre-tax amount and tax.
ALTER TABLE legacy_line_items ADD COLUMN unit_price TEXT;
ALTER TABLE legacy_line_items ADD COLUMN unit TEXT;
ALTER TABLE legacy_line_items ADD COLUMN billing_cycle_type TEXT;
