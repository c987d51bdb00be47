-- Daily usage's decimals stored as scaled integers (issue 19): quantity, prices and totals
-- were decimal TEXT, most of a usage row's bytes. A value whose text is canonical (what
-- rust_decimal prints for it: "1.50" keeps its scale) and whose mantissa is below 10^17 is
-- now one INTEGER, mantissa * 32 + scale; any other text stays TEXT byte for byte (the
-- columns are ANY, which a STRICT table keeps exactly as written). store::usage_decimal
-- writes and reads them; the `daily_usage` view decodes them to the same text as before.
-- The facts are rebuilt in this migration's one transaction (with the user_version bump):
-- a killed migration leaves the file at the version before, converted again on next open.
-- usage_decimal_stored() is registered on the migrating connection (store::migration).

CREATE TABLE daily_usage_facts_scaled (
    source_id             INTEGER NOT NULL REFERENCES usage_sources(id) ON DELETE CASCADE,
    subject_id            INTEGER NOT NULL,
    day                   INTEGER NOT NULL,
    meter_id              INTEGER NOT NULL,
    resource_id           INTEGER NOT NULL,
    ordinal               INTEGER NOT NULL,
    terms_id              INTEGER NOT NULL,
    quantity              ANY NOT NULL,
    unit_price            ANY,
    effective_unit_price  ANY NOT NULL,
    billing_pre_tax_total ANY NOT NULL,
    pricing_pre_tax_total ANY,
    PRIMARY KEY (source_id, subject_id, day, meter_id, resource_id, ordinal)
) STRICT, WITHOUT ROWID;

-- Read and written in key order: the new B-tree is filled front to back.
INSERT INTO daily_usage_facts_scaled (source_id, subject_id, day, meter_id, resource_id,
        ordinal, terms_id, quantity, unit_price, effective_unit_price, billing_pre_tax_total,
        pricing_pre_tax_total)
    SELECT source_id, subject_id, day, meter_id, resource_id, ordinal, terms_id,
        usage_decimal_stored(quantity), usage_decimal_stored(unit_price),
        usage_decimal_stored(effective_unit_price), usage_decimal_stored(billing_pre_tax_total),
        usage_decimal_stored(pricing_pre_tax_total)
    FROM daily_usage_facts
    -- A row whose source is gone (only a tool with foreign keys off leaves one) is no row
    -- any reader sees; carried over it would fail the key and leave the file unopenable.
    WHERE source_id IN (SELECT id FROM usage_sources)
    ORDER BY source_id, subject_id, day, meter_id, resource_id, ordinal;

DROP VIEW daily_usage;
DROP TABLE daily_usage_facts;
ALTER TABLE daily_usage_facts_scaled RENAME TO daily_usage_facts;

-- The old columns, as 0019's view gave them (the same text). The decoding is plain SQL
-- (store::usage_decimal::text_sql), so any SQLite reading the file reads the same rows.
CREATE VIEW daily_usage AS
SELECT s.account_id, s.source, j.customer_id, t.invoice_number, j.subscription_id,
    j.entitlement_id, date(f.day + 2440587.5) AS usage_date, m.meter_id, m.meter_name,
    m.meter_category, m.meter_region, r.resource_uri, m.unit_of_measure, t.charge_type,
    CASE WHEN typeof(f.quantity) <> 'integer' THEN f.quantity WHEN f.quantity & 31 = 0 THEN CAST(f.quantity >> 5 AS TEXT) ELSE iif(f.quantity < 0, '-', '') || substr(printf('%0*d', (f.quantity & 31) + 1, abs(f.quantity >> 5)), 1, max(1, length(abs(f.quantity >> 5)) - (f.quantity & 31))) || '.' || substr(printf('%0*d', (f.quantity & 31) + 1, abs(f.quantity >> 5)), -(f.quantity & 31)) END AS quantity,
    CASE WHEN typeof(f.unit_price) <> 'integer' THEN f.unit_price WHEN f.unit_price & 31 = 0 THEN CAST(f.unit_price >> 5 AS TEXT) ELSE iif(f.unit_price < 0, '-', '') || substr(printf('%0*d', (f.unit_price & 31) + 1, abs(f.unit_price >> 5)), 1, max(1, length(abs(f.unit_price >> 5)) - (f.unit_price & 31))) || '.' || substr(printf('%0*d', (f.unit_price & 31) + 1, abs(f.unit_price >> 5)), -(f.unit_price & 31)) END AS unit_price,
    CASE WHEN typeof(f.effective_unit_price) <> 'integer' THEN f.effective_unit_price WHEN f.effective_unit_price & 31 = 0 THEN CAST(f.effective_unit_price >> 5 AS TEXT) ELSE iif(f.effective_unit_price < 0, '-', '') || substr(printf('%0*d', (f.effective_unit_price & 31) + 1, abs(f.effective_unit_price >> 5)), 1, max(1, length(abs(f.effective_unit_price >> 5)) - (f.effective_unit_price & 31))) || '.' || substr(printf('%0*d', (f.effective_unit_price & 31) + 1, abs(f.effective_unit_price >> 5)), -(f.effective_unit_price & 31)) END AS effective_unit_price,
    CASE WHEN typeof(f.billing_pre_tax_total) <> 'integer' THEN f.billing_pre_tax_total WHEN f.billing_pre_tax_total & 31 = 0 THEN CAST(f.billing_pre_tax_total >> 5 AS TEXT) ELSE iif(f.billing_pre_tax_total < 0, '-', '') || substr(printf('%0*d', (f.billing_pre_tax_total & 31) + 1, abs(f.billing_pre_tax_total >> 5)), 1, max(1, length(abs(f.billing_pre_tax_total >> 5)) - (f.billing_pre_tax_total & 31))) || '.' || substr(printf('%0*d', (f.billing_pre_tax_total & 31) + 1, abs(f.billing_pre_tax_total >> 5)), -(f.billing_pre_tax_total & 31)) END AS billing_pre_tax_total,
    t.billing_currency,
    CASE WHEN typeof(f.pricing_pre_tax_total) <> 'integer' THEN f.pricing_pre_tax_total WHEN f.pricing_pre_tax_total & 31 = 0 THEN CAST(f.pricing_pre_tax_total >> 5 AS TEXT) ELSE iif(f.pricing_pre_tax_total < 0, '-', '') || substr(printf('%0*d', (f.pricing_pre_tax_total & 31) + 1, abs(f.pricing_pre_tax_total >> 5)), 1, max(1, length(abs(f.pricing_pre_tax_total >> 5)) - (f.pricing_pre_tax_total & 31))) || '.' || substr(printf('%0*d', (f.pricing_pre_tax_total & 31) + 1, abs(f.pricing_pre_tax_total >> 5)), -(f.pricing_pre_tax_total & 31)) END AS pricing_pre_tax_total,
    t.pricing_currency, t.pc_to_bc_exchange_rate, t.partner_earned_credit_rate
FROM daily_usage_facts f
JOIN usage_sources s ON s.id = f.source_id AND s.staged = 0
JOIN usage_subjects j ON j.id = f.subject_id
JOIN usage_meters m ON m.id = f.meter_id
JOIN usage_resources r ON r.id = f.resource_id
JOIN usage_terms t ON t.id = f.terms_id;
