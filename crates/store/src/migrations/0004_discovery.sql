-- What Discovery imports from Partner Center, the cursors that make the next run incremental,
-- and the run history. Every row belongs to one partner account and goes with it.
-- Money and quantities are decimal TEXT exactly as Microsoft sent them (never REAL).
-- Times are RFC 3339 UTC; dates are YYYY-MM-DD.

-- Account-wide cursors: when each whole-partner collection was last read completely.
CREATE TABLE discovery_cursors (
    account_id            TEXT PRIMARY KEY NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    customers_listed_at   TEXT,
    invoices_listed_at    TEXT
) STRICT;

-- When the unbilled usage of an open period in one currency was last read completely.
CREATE TABLE unbilled_reads (
    account_id TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    period     TEXT NOT NULL,   -- current | previous
    currency   TEXT NOT NULL,
    month      TEXT NOT NULL,   -- YYYY-MM of the period read
    read_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, period, currency)
) STRICT;

CREATE TABLE customers (
    account_id              TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    id                      TEXT NOT NULL,   -- Partner Center customer id (the customer's tenant id)
    company_name            TEXT NOT NULL,
    domain                  TEXT NOT NULL,
    tenant_id               TEXT,
    commerce_id             TEXT,
    relationship            TEXT,            -- relationshipToPartner as sent ("reseller", "none", ...)
    reachable               INTEGER NOT NULL DEFAULT 1, -- 0 after 403/20002: no commerce relationship
    transferred_on          TEXT,            -- data only from this day (transferred in)
    subscriptions_listed_at TEXT,            -- cursor: when its subscriptions were last read
    first_seen_at           TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT;

CREATE TABLE subscriptions (
    account_id             TEXT NOT NULL,
    customer_id            TEXT NOT NULL,
    id                     TEXT NOT NULL,
    kind                   TEXT NOT NULL,   -- legacyAzure | azurePlan | licence
    offer_id               TEXT NOT NULL,
    offer_name             TEXT,
    friendly_name          TEXT,
    quantity               TEXT,
    unit_type              TEXT,
    status                 TEXT NOT NULL,
    billing_type           TEXT,
    billing_cycle          TEXT,
    creation_date          TEXT,
    commitment_end_date    TEXT,
    term_duration          TEXT,
    entitlement_id         TEXT,
    usage_through          TEXT,            -- cursor: last day of legacy usage stored
    entitlements_listed_at TEXT,            -- cursor: Azure plan entitlements last read
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, customer_id) REFERENCES customers(account_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX subscriptions_by_customer ON subscriptions(account_id, customer_id);

CREATE TABLE azure_entitlements (
    account_id      TEXT NOT NULL,
    subscription_id TEXT NOT NULL,   -- the Azure plan subscription
    id              TEXT NOT NULL,   -- the Azure subscription id
    friendly_name   TEXT,
    status          TEXT,
    PRIMARY KEY (account_id, subscription_id, id),
    FOREIGN KEY (account_id, subscription_id) REFERENCES subscriptions(account_id, id) ON DELETE CASCADE
) STRICT;

-- Legacy (0145P) daily utilization. Microsoft filters a query by the day usage was reported,
-- not the day it happened, so rows are kept with the window (`window_from`, the first reported
-- day asked for) that brought them: a window is rewritten whole (delete by window, then its
-- pages), rows need no natural key, and the cursor moves only with the window's last page.
CREATE TABLE utilization_records (
    account_id      TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    window_from     TEXT NOT NULL,
    usage_start     TEXT NOT NULL,
    usage_end       TEXT NOT NULL,
    meter_id        TEXT NOT NULL,
    meter_name      TEXT,
    category        TEXT,
    subcategory     TEXT,
    region          TEXT,
    resource_uri    TEXT,
    quantity        TEXT NOT NULL,
    unit            TEXT,
    FOREIGN KEY (account_id, subscription_id) REFERENCES subscriptions(account_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX utilization_by_window ON utilization_records(account_id, subscription_id, window_from);

CREATE TABLE rate_cards (
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    currency    TEXT NOT NULL,
    locale      TEXT,
    tax_included INTEGER NOT NULL,
    fetched_at  TEXT NOT NULL,
    offer_terms TEXT NOT NULL,   -- JSON [{name, discount (decimal string), excludedMeterIds, effectiveDate}]
    PRIMARY KEY (account_id, currency)
) STRICT;

CREATE TABLE rate_card_meters (
    account_id        TEXT NOT NULL,
    currency          TEXT NOT NULL,
    meter_id          TEXT NOT NULL,
    name              TEXT NOT NULL,
    category          TEXT,
    subcategory       TEXT,
    region            TEXT,
    unit              TEXT,
    included_quantity TEXT,
    effective_date    TEXT,
    rates             TEXT NOT NULL,  -- JSON {"<tier start quantity>": "<price>"}, decimals as strings
    PRIMARY KEY (account_id, currency, meter_id),
    FOREIGN KEY (account_id, currency) REFERENCES rate_cards(account_id, currency) ON DELETE CASCADE
) STRICT;

CREATE TABLE invoices (
    account_id                TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    id                        TEXT NOT NULL,
    invoice_date              TEXT,
    billing_period_start      TEXT,
    billing_period_end        TEXT,
    total_charges             TEXT NOT NULL,
    paid_amount               TEXT,
    currency                  TEXT NOT NULL,
    invoice_type              TEXT,
    document_type             TEXT,
    first_seen_at             TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT;

-- One row per line-item collection of an invoice (its invoiceDetails), with its cursor.
CREATE TABLE invoice_line_streams (
    account_id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    provider   TEXT NOT NULL,   -- billingProvider as sent
    kind       TEXT NOT NULL,   -- invoiceLineItemType as sent
    complete   INTEGER NOT NULL DEFAULT 0,
    resume     TEXT,            -- JSON continuation of the next page when a run stopped mid-way
    PRIMARY KEY (account_id, invoice_id, provider, kind),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices(account_id, id) ON DELETE CASCADE
) STRICT;

-- New-commerce billed reconciliation lines (and one-time/seat charges).
CREATE TABLE billing_line_items (
    account_id        TEXT NOT NULL,
    invoice_id        TEXT NOT NULL,
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
    charge_end_date   TEXT,
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices(account_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX billing_line_items_by_invoice ON billing_line_items(account_id, invoice_id);

-- Legacy invoice lines (Azure 0145P and licence-based), as sent.
CREATE TABLE legacy_line_items (
    account_id      TEXT NOT NULL,
    invoice_id      TEXT NOT NULL,
    provider        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    customer_id     TEXT,
    subscription_id TEXT,
    resource_guid   TEXT,
    resource_name   TEXT,
    charge_start_date TEXT,
    charge_end_date TEXT,
    consumed_quantity TEXT,
    pretax_charges  TEXT,
    tax_amount      TEXT,
    currency        TEXT,
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices(account_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX legacy_line_items_by_invoice ON legacy_line_items(account_id, invoice_id, provider, kind);

-- Daily rated usage (Azure plan), billed with an invoice or unbilled for an open period.
-- `source` is the invoice id, or `unbilled:YYYY-MM:CUR` for an open period in one currency.
CREATE TABLE daily_usage (
    account_id      TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    source          TEXT NOT NULL,
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
    has_partner_earned_credit INTEGER
) STRICT;
CREATE INDEX daily_usage_by_source ON daily_usage(account_id, source);

-- The run history: every run is kept.
CREATE TABLE discovery_runs (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    trigger         TEXT NOT NULL,   -- manual | scheduled
    state           TEXT NOT NULL,   -- inProgress | stopped | error | completed
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    heartbeat_at    TEXT NOT NULL,   -- refreshed while running: a stale one means the process died
    requests        INTEGER NOT NULL DEFAULT 0,
    throttled       INTEGER NOT NULL DEFAULT 0,  -- 429/204 answers waited out
    throttled_wait_ms INTEGER NOT NULL DEFAULT 0,
    rows_written    INTEGER NOT NULL DEFAULT 0,
    write_ms        INTEGER NOT NULL DEFAULT 0,  -- time spent in write transactions
    entities        TEXT NOT NULL DEFAULT '[]',  -- JSON [{entity, pages, rows}]
    error_code      TEXT,
    error_endpoint  TEXT,
    error_message   TEXT
) STRICT;
CREATE INDEX discovery_runs_by_account ON discovery_runs(account_id, id);

-- Customer organizations: tenants that are one customer, billed together.
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    account_id      TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    PRIMARY KEY (account_id, customer_id),   -- a tenant belongs to at most one organization
    FOREIGN KEY (account_id, customer_id) REFERENCES customers(account_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX organization_members_by_org ON organization_members(organization_id);

-- Discovery schedule (local wall-clock times, HH:MM, comma-separated); one row.
CREATE TABLE discovery_schedule (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    times     TEXT NOT NULL,
    enabled   INTEGER NOT NULL DEFAULT 1
) STRICT;
