-- New-commerce billing data from Microsoft Graph's partner billing exports (issue 20).
-- Where an account calls Graph (the emulator's `<origin>/v1.0` for the sandbox).
ALTER TABLE partner_accounts ADD COLUMN graph_base TEXT NOT NULL DEFAULT 'https://graph.microsoft.com/v1.0';

-- Each export's data version as last stored whole: per invoice (billed usage and billed
-- reconciliation, scope = invoice id) or per open period and currency (unbilled, scope =
-- `YYYY-MM:CUR`). e_tag is the manifest's eTag, NULL when Microsoft had no data (code 5000).
-- An unchanged eTag means nothing to download.
CREATE TABLE graph_exports (
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    dataset     TEXT NOT NULL,   -- billedUsage | billedReconciliation | unbilledUsage | unbilledReconciliation
    scope       TEXT NOT NULL,
    e_tag       TEXT,
    manifest_created_at TEXT,    -- the manifest's createdDateTime as sent
    read_at     TEXT NOT NULL,   -- when this version was read (or found unchanged)
    blobs       INTEGER NOT NULL DEFAULT 0,
    rows        INTEGER NOT NULL DEFAULT 0,
    set_aside   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, dataset, scope)
) STRICT;

-- What the open periods will bill (licences, reservations, savings plans, marketplace,
-- one-time purchases), per period and currency: `source` is `YYYY-MM:CUR`. The columns of
-- billing_line_items, the same lines before they are invoiced.
CREATE TABLE unbilled_reconciliation_lines (
    account_id        TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    source            TEXT NOT NULL,
    customer_id       TEXT NOT NULL,
    customer_name     TEXT,
    product_id        TEXT NOT NULL,
    sku_id            TEXT,
    product_name      TEXT,
    sku_name          TEXT,
    charge_type       TEXT NOT NULL,
    subscription_id   TEXT NOT NULL,
    unit_price        TEXT NOT NULL,
    effective_unit_price TEXT,
    quantity          TEXT NOT NULL,
    billable_quantity TEXT,
    subtotal          TEXT NOT NULL,
    tax_total         TEXT,
    total_for_customer TEXT,
    currency          TEXT NOT NULL,
    pc_to_bc_exchange_rate TEXT,
    charge_start_date TEXT,
    charge_end_date   TEXT
) STRICT;
CREATE INDEX unbilled_reconciliation_by_source ON unbilled_reconciliation_lines(account_id, source, customer_id);

-- Rows of an export being downloaded, keyed by `dataset/scope`: written blob by blob in
-- their own transactions, then moved to their table in the one transaction that replaces
-- the invoice's or period's rows and records the new eTag. A stopped or killed download
-- leaves only these (cleared when that export is read again) and the previous version whole.
CREATE TABLE graph_staged_usage (
    account_id      TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    export_key      TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    invoice_number  TEXT,
    subscription_id TEXT NOT NULL,
    entitlement_id  TEXT NOT NULL,
    usage_date      TEXT NOT NULL,
    meter_id        TEXT NOT NULL,
    meter_name      TEXT,
    meter_category  TEXT,
    meter_region    TEXT,
    resource_uri    TEXT,
    unit_of_measure TEXT,
    charge_type     TEXT,
    quantity        TEXT NOT NULL,
    unit_price      TEXT,
    effective_unit_price TEXT NOT NULL,
    billing_pre_tax_total TEXT NOT NULL,
    billing_currency TEXT NOT NULL,
    pricing_pre_tax_total TEXT,
    pricing_currency TEXT,
    pc_to_bc_exchange_rate TEXT,
    partner_earned_credit_rate TEXT NOT NULL
) STRICT;
CREATE INDEX graph_staged_usage_by_export ON graph_staged_usage(account_id, export_key);

CREATE TABLE graph_staged_lines (
    account_id        TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    export_key        TEXT NOT NULL,
    customer_id       TEXT NOT NULL,
    customer_name     TEXT,
    product_id        TEXT NOT NULL,
    sku_id            TEXT,
    product_name      TEXT,
    sku_name          TEXT,
    charge_type       TEXT NOT NULL,
    subscription_id   TEXT NOT NULL,
    unit_price        TEXT NOT NULL,
    effective_unit_price TEXT,
    quantity          TEXT NOT NULL,
    billable_quantity TEXT,
    subtotal          TEXT NOT NULL,
    tax_total         TEXT,
    total_for_customer TEXT,
    currency          TEXT NOT NULL,
    pc_to_bc_exchange_rate TEXT,
    charge_start_date TEXT,
    charge_end_date   TEXT
) STRICT;
CREATE INDEX graph_staged_lines_by_export ON graph_staged_lines(account_id, export_key);
