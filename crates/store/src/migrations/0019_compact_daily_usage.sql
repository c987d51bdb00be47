-- Daily rated usage stored compactly (issue 19): what repeats moves to dimension tables with
-- integer keys, days are integers, and the facts sit in one WITHOUT ROWID table clustered on
-- how they are written and read (a source's rows together, then subject, day, meter,
-- resource), with no other index. About 650 bytes per row before; see ARCHITECTURE.md
-- "Daily usage storage" and docs/bench-storage.md for what it is now.
-- The existing rows are converted here, in the migration's one transaction (with the
-- user_version bump), so a killed migration leaves the file at version 19 and the next open
-- converts again from the start. `daily_usage` stays as a VIEW with the old columns.

-- Where rows came from: an invoice id, `unbilled:YYYY-MM:CUR`, or, while a Graph export is
-- being downloaded, its export key (`graph/<dataset>/<scope>`, staged = 1: no reader sees
-- it). Committing the export renames the staged source to its invoice or period, so each
-- row is written once. next_ordinal numbers the source's rows in the order Microsoft listed
-- them (rating takes a day's records in that order).
CREATE TABLE usage_sources (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    staged       INTEGER NOT NULL DEFAULT 0,
    next_ordinal INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, source)
) STRICT;

-- Who used it: customer, Azure plan subscription and Azure subscription (entitlement).
CREATE TABLE usage_subjects (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    customer_id     TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    entitlement_id  TEXT NOT NULL,
    UNIQUE (account_id, customer_id, subscription_id, entitlement_id)
) STRICT;

-- A meter as a row described it (Microsoft's meter id with its name, category, region and
-- unit): two descriptions of one meter id are two rows, so every row reads back as sent.
-- Shared by all accounts (Microsoft's catalogue, not a partner's data).
CREATE TABLE usage_meters (
    id              INTEGER PRIMARY KEY,
    meter_id        TEXT NOT NULL,
    meter_name      TEXT,
    meter_category  TEXT,
    meter_region    TEXT,
    unit_of_measure TEXT
) STRICT;
CREATE UNIQUE INDEX usage_meters_by_value
    ON usage_meters(meter_id, meter_name, meter_category, meter_region, unit_of_measure);

-- Azure resource ids; id 0 is "no resource" (a key column of the facts cannot be NULL).
CREATE TABLE usage_resources (
    id           INTEGER PRIMARY KEY,
    resource_uri TEXT
) STRICT;
CREATE UNIQUE INDEX usage_resources_by_uri ON usage_resources(resource_uri);
INSERT INTO usage_resources (id, resource_uri) VALUES (0, NULL);

-- The few values a source's rows share: invoice number, charge type, currencies, exchange
-- rate, partner earned credit rate (decimal TEXT as sent).
CREATE TABLE usage_terms (
    id                         INTEGER PRIMARY KEY,
    invoice_number             TEXT,
    charge_type                TEXT,
    billing_currency           TEXT NOT NULL,
    pricing_currency           TEXT,
    pc_to_bc_exchange_rate     TEXT,
    partner_earned_credit_rate TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX usage_terms_by_value ON usage_terms(invoice_number, charge_type,
    billing_currency, pricing_currency, pc_to_bc_exchange_rate, partner_earned_credit_rate);

-- One row per daily rated usage record. day = days since 1970-01-01. ordinal = the row's
-- position in its source, so two records with the same subject, day, meter and resource
-- (Microsoft lists several, e.g. different charge types or prices) stay apart and keep
-- Microsoft's order. Money and quantities are decimal TEXT exactly as sent.
CREATE TABLE daily_usage_facts (
    source_id             INTEGER NOT NULL REFERENCES usage_sources(id) ON DELETE CASCADE,
    subject_id            INTEGER NOT NULL,
    day                   INTEGER NOT NULL,
    meter_id              INTEGER NOT NULL,
    resource_id           INTEGER NOT NULL,
    ordinal               INTEGER NOT NULL,
    terms_id              INTEGER NOT NULL,
    quantity              TEXT NOT NULL,
    unit_price            TEXT,
    effective_unit_price  TEXT NOT NULL,
    billing_pre_tax_total TEXT NOT NULL,
    pricing_pre_tax_total TEXT,
    PRIMARY KEY (source_id, subject_id, day, meter_id, resource_id, ordinal)
) STRICT, WITHOUT ROWID;

-- Converting what is stored. Dimensions first, then the facts in one pass. The migration
-- framework runs a file as one batch, so it reports no progress while it converts (its
-- time per row: docs/bench-storage.md).
INSERT INTO usage_sources (account_id, source, next_ordinal)
    SELECT account_id, source, count(*) FROM daily_usage GROUP BY account_id, source;
INSERT INTO usage_subjects (account_id, customer_id, subscription_id, entitlement_id)
    SELECT DISTINCT account_id, customer_id, subscription_id, entitlement_id FROM daily_usage;
INSERT INTO usage_meters (meter_id, meter_name, meter_category, meter_region, unit_of_measure)
    SELECT DISTINCT meter_id, meter_name, meter_category, meter_region, unit_of_measure
    FROM daily_usage;
INSERT INTO usage_resources (resource_uri)
    SELECT DISTINCT resource_uri FROM daily_usage WHERE resource_uri IS NOT NULL;
INSERT INTO usage_terms (invoice_number, charge_type, billing_currency, pricing_currency,
        pc_to_bc_exchange_rate, partner_earned_credit_rate)
    SELECT DISTINCT invoice_number, charge_type, billing_currency, pricing_currency,
        pc_to_bc_exchange_rate, partner_earned_credit_rate FROM daily_usage;

INSERT INTO daily_usage_facts (source_id, subject_id, day, meter_id, resource_id, ordinal,
        terms_id, quantity, unit_price, effective_unit_price, billing_pre_tax_total,
        pricing_pre_tax_total)
    SELECT s.id, j.id, CAST(julianday(substr(d.usage_date, 1, 10)) - 2440587.5 AS INTEGER),
        m.id, coalesce(r.id, 0),
        row_number() OVER (PARTITION BY d.account_id, d.source ORDER BY d.rowid) - 1,
        t.id, d.quantity, d.unit_price, d.effective_unit_price, d.billing_pre_tax_total,
        d.pricing_pre_tax_total
    FROM daily_usage d
    JOIN usage_sources s ON s.account_id = d.account_id AND s.source = d.source
    JOIN usage_subjects j ON j.account_id = d.account_id AND j.customer_id = d.customer_id
        AND j.subscription_id = d.subscription_id AND j.entitlement_id = d.entitlement_id
    JOIN usage_meters m ON m.meter_id = d.meter_id AND m.meter_name IS d.meter_name
        AND m.meter_category IS d.meter_category AND m.meter_region IS d.meter_region
        AND m.unit_of_measure IS d.unit_of_measure
    LEFT JOIN usage_resources r ON r.resource_uri = d.resource_uri
    JOIN usage_terms t ON t.invoice_number IS d.invoice_number AND t.charge_type IS d.charge_type
        AND t.billing_currency = d.billing_currency AND t.pricing_currency IS d.pricing_currency
        AND t.pc_to_bc_exchange_rate IS d.pc_to_bc_exchange_rate
        AND t.partner_earned_credit_rate = d.partner_earned_credit_rate
    -- In key order: the fact B-tree is then written front to back, not page by random page.
    ORDER BY 1, 2, 3, 4, 5, 6;

-- Rows of a download in progress now stage straight into daily_usage_facts (a staged
-- source); whatever an interrupted download left in the old staging table is dropped, as
-- the next read of that export would have cleared it.
DROP TABLE graph_staged_usage;
DROP TABLE daily_usage;

-- The old columns, for readers that are not hot paths and for tests. Staged rows are not
-- usage yet.
CREATE VIEW daily_usage AS
SELECT s.account_id, s.source, j.customer_id, t.invoice_number, j.subscription_id,
    j.entitlement_id, date(f.day + 2440587.5) AS usage_date, m.meter_id, m.meter_name,
    m.meter_category, m.meter_region, r.resource_uri, m.unit_of_measure, t.charge_type,
    f.quantity, f.unit_price, f.effective_unit_price, f.billing_pre_tax_total,
    t.billing_currency, f.pricing_pre_tax_total, t.pricing_currency, t.pc_to_bc_exchange_rate,
    t.partner_earned_credit_rate
FROM daily_usage_facts f
JOIN usage_sources s ON s.id = f.source_id AND s.staged = 0
JOIN usage_subjects j ON j.id = f.subject_id
JOIN usage_meters m ON m.id = f.meter_id
JOIN usage_resources r ON r.id = f.resource_id
JOIN usage_terms t ON t.id = f.terms_id;
