-- Azure MCA partner billing read from Cost Management exports (reference §10): where a partner
-- account's exports are delivered, which export runs were imported, their cost rows, and exact
-- per-run totals kept at import so split costs open without summing every row again.
-- The SAS that opens a container lives only in the OS keyring, keyed by the source id.
-- Money and quantities are decimal TEXT (never REAL); dates YYYY-MM-DD; times RFC 3339 UTC.

CREATE TABLE cost_sources (
    id             TEXT PRIMARY KEY NOT NULL,   -- random UUID; keys the keyring entry of the SAS
    account_id     TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    scope_kind     TEXT NOT NULL,               -- billingAccount | billingProfile | customer
    scope_id       TEXT,                        -- the billing account / profile id, or customer tenant id
    container_url  TEXT NOT NULL,               -- scheme, host and path only: never the SAS query
    root_folder    TEXT NOT NULL DEFAULT '',    -- only runs under this prefix are read
    sas_expires_at TEXT NOT NULL,               -- the SAS's se=, shown so it is renewed in time
    created_at     TEXT NOT NULL,
    UNIQUE (account_id, name COLLATE NOCASE)
) STRICT;

-- An export run. Its rows are written in short transactions while it is 'pending' (readers
-- never see them), then one short transaction makes it 'current' and the run it replaces
-- 'superseded', whose rows are then deleted in short transactions too: the write lock is
-- never held for a whole run, and readers always see whole runs. A run left 'pending' or
-- 'superseded' by a crash or a failed part is deleted by the next import.
CREATE TABLE cost_export_runs (
    source_id     TEXT NOT NULL REFERENCES cost_sources(id) ON DELETE CASCADE,
    run_id        TEXT NOT NULL,
    state         TEXT NOT NULL,                -- pending | current | superseded
    export_name   TEXT NOT NULL,
    dataset       TEXT NOT NULL,                -- actual | amortized
    month_folder  TEXT NOT NULL,                -- YYYYMMDD-YYYYMMDD as delivered
    manifest_path TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,                -- runInfo.submittedTime: newer replaces older
    blob_count    INTEGER NOT NULL,
    row_count     INTEGER NOT NULL,             -- manifest dataRowCount (checked against the parts)
    byte_count    INTEGER NOT NULL,
    imported_at   TEXT NOT NULL,
    PRIMARY KEY (source_id, run_id)
) STRICT;
-- One current run per export, dataset and month folder.
CREATE UNIQUE INDEX cost_export_runs_current
    ON cost_export_runs(source_id, export_name, dataset, month_folder) WHERE state = 'current';

-- The MPA cost details columns CSP Desk reads (reference §10.2), one row per CSV data row.
CREATE TABLE cost_rows (
    source_id            TEXT NOT NULL,
    run_id               TEXT NOT NULL,
    blob                 INTEGER NOT NULL,     -- index of the part in the manifest
    line                 INTEGER NOT NULL,     -- CSV line in that part (header = 1)
    dataset              TEXT NOT NULL,        -- actual | amortized (as the run's)
    billing_month        TEXT NOT NULL,        -- YYYY-MM of billingPeriodStartDate (date when empty)
    invoice_id           TEXT,
    billing_period_start TEXT,
    billing_period_end   TEXT,
    date                 TEXT NOT NULL,
    customer_tenant_id   TEXT,                 -- lower case; NULL on rows of no customer
    customer_name        TEXT,
    subscription_id      TEXT,
    subscription_name    TEXT,
    meter_id             TEXT,
    meter_name           TEXT,
    meter_category       TEXT,
    meter_subcategory    TEXT,
    meter_region         TEXT,
    product_name         TEXT,
    charge_type          TEXT NOT NULL,
    pricing_model        TEXT,
    reservation_id       TEXT,
    reservation_name     TEXT,
    benefit_id           TEXT,
    benefit_name         TEXT,
    quantity             TEXT,
    unit_of_measure      TEXT,
    effective_price      TEXT,
    unit_price           TEXT,
    payg_price           TEXT,
    cost                 TEXT NOT NULL,        -- costInBillingCurrency
    billing_currency     TEXT NOT NULL,
    payg_cost            TEXT,                 -- paygCostInBillingCurrency
    pec_applied          INTEGER,              -- partnerEarnedCreditApplied
    pec_rate             TEXT,
    PRIMARY KEY (source_id, run_id, blob, line),
    FOREIGN KEY (source_id, run_id) REFERENCES cost_export_runs(source_id, run_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX cost_rows_by_customer ON cost_rows(customer_tenant_id, dataset, billing_month);

-- Exact sums of a run's rows per customer, month, currency, pricing model and charge type,
-- computed with decimals while the run is imported (SQLite would sum TEXT as floating point).
CREATE TABLE cost_run_totals (
    source_id          TEXT NOT NULL,
    run_id             TEXT NOT NULL,
    dataset            TEXT NOT NULL,
    billing_month      TEXT NOT NULL,
    customer_tenant_id TEXT NOT NULL,          -- '' for rows of no customer
    customer_name      TEXT NOT NULL,
    billing_currency   TEXT NOT NULL,
    pricing_model      TEXT NOT NULL,          -- '' when the column is empty
    charge_type        TEXT NOT NULL,
    rows               INTEGER NOT NULL,
    cost               TEXT NOT NULL,
    payg_cost          TEXT NOT NULL,
    PRIMARY KEY (source_id, run_id, billing_month, customer_tenant_id, billing_currency, pricing_model, charge_type),
    FOREIGN KEY (source_id, run_id) REFERENCES cost_export_runs(source_id, run_id) ON DELETE CASCADE
) STRICT;
