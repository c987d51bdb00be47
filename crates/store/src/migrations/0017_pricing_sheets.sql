-- Microsoft's Pricing API sheets and FX rates, month by month, so Azure plan usage is rated
-- with the prices and the rate of its own month (a price that changed since is not a
-- mismatch). Money and quantities are decimal TEXT; dates YYYY-MM-DD; months YYYY-MM.

-- import_runs learns the kind 'pricing' (a sheet or FX file read through the one import
-- pipeline). SQLite cannot change a CHECK in place: the table is rebuilt, and the set-aside
-- items that reference its runs are kept aside while it is (dropping the old table would
-- delete them through their ON DELETE CASCADE).
CREATE TEMP TABLE kept_set_aside_items AS SELECT * FROM set_aside_items;
CREATE TABLE import_runs_rebuilt (
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
    error_message   TEXT,
    kind            TEXT NOT NULL DEFAULT 'discovery'
        CHECK (kind IN ('discovery', 'costExports', 'stackUsage', 'pricing')),
    source          TEXT,
    source_label    TEXT,
    warnings        INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO import_runs_rebuilt (id, account_id, trigger, state, started_at, ended_at,
    heartbeat_at, requests, throttled, throttled_wait_ms, rows_written, write_ms, entities,
    error_code, error_endpoint, error_message, kind, source, source_label, warnings)
SELECT id, account_id, trigger, state, started_at, ended_at, heartbeat_at, requests,
    throttled, throttled_wait_ms, rows_written, write_ms, entities, error_code,
    error_endpoint, error_message, kind, source, source_label, warnings
FROM import_runs;
DROP TABLE import_runs;
ALTER TABLE import_runs_rebuilt RENAME TO import_runs;
CREATE INDEX import_runs_by_source ON import_runs(account_id, kind, source, id);
INSERT INTO set_aside_items SELECT * FROM kept_set_aside_items;
DROP TABLE kept_set_aside_items;

-- One price sheet per partner account, view (azure_consumption | updatedlicensebased),
-- market and month. A past month's sheet (timeline 'history') is read once; the current
-- month's (timeline 'current') is the month so far and is replaced when read again.
-- fingerprint: hash of its rows, so rating tells a replaced sheet from the same one.
CREATE TABLE pricing_sheets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    view        TEXT NOT NULL,
    market      TEXT NOT NULL,   -- upper case, as Microsoft's Market ('US')
    month       TEXT NOT NULL,   -- YYYY-MM
    timeline    TEXT NOT NULL CHECK (timeline IN ('history', 'current')),
    file_name   TEXT,            -- the file, when imported from one
    run_id      INTEGER REFERENCES import_runs(id) ON DELETE SET NULL,
    rows        INTEGER NOT NULL,
    set_aside   INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    read_at     TEXT NOT NULL,
    UNIQUE (account_id, view, market, month)
) STRICT;

-- The sheet's rows as the reader gives them: one per CSV line and meter id (a consumption
-- line listing two meters is two rows; a licence line has no meter). An empty
-- PricingTierRangeMin is written 0 (the first tier), the reader's rule.
CREATE TABLE pricing_sheet_rows (
    sheet_id        INTEGER NOT NULL REFERENCES pricing_sheets(id) ON DELETE CASCADE,
    line            INTEGER NOT NULL,
    meter_id        TEXT,            -- lower case; NULL for a licence
    product_id      TEXT NOT NULL,
    sku_id          TEXT NOT NULL,
    product_title   TEXT NOT NULL,
    sku_title       TEXT NOT NULL,
    unit            TEXT NOT NULL,   -- UnitOfMeasure
    meter_type      TEXT NOT NULL,
    currency        TEXT NOT NULL,
    unit_price      TEXT NOT NULL,
    tier_min        TEXT NOT NULL,
    tier_max        TEXT,
    effective_start TEXT NOT NULL,
    effective_end   TEXT,
    term            TEXT NOT NULL,   -- TermDuration
    billing_plan    TEXT NOT NULL,   -- licences
    erp_price       TEXT             -- licences: ERP Price
) STRICT;
CREATE INDEX pricing_sheet_rows_by_sheet ON pricing_sheet_rows(sheet_id);

-- Rows of a sheet that were not read, with their line and reason (the rest were written).
CREATE TABLE pricing_sheet_set_aside (
    sheet_id INTEGER NOT NULL REFERENCES pricing_sheets(id) ON DELETE CASCADE,
    line     INTEGER NOT NULL,
    column   TEXT NOT NULL,
    reason   TEXT NOT NULL
) STRICT;
CREATE INDEX pricing_sheet_set_aside_by_sheet ON pricing_sheet_set_aside(sheet_id);

-- The month's FX rates (sales/fxrates): USDPerUnit per currency; the month's file replaces
-- the month's rates whole.
CREATE TABLE fx_rates (
    account_id   TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    month        TEXT NOT NULL,   -- YYYY-MM
    currency     TEXT NOT NULL,   -- upper case
    usd_per_unit TEXT NOT NULL,
    run_id       INTEGER REFERENCES import_runs(id) ON DELETE SET NULL,
    read_at      TEXT NOT NULL,
    PRIMARY KEY (account_id, month, currency)
) STRICT;

-- Every rated line's list cost (the sheet's list price, its first tier, x quantity) and
-- effective cost (after tiers, partner earned credit and discounts, before Microsoft's
-- per-line floor), in the billing currency beside billing_pre_tax_total (what Microsoft
-- bills). Lines rated before this version read '0' until rated again (the rating rules'
-- version is raised with it, so the next rating does).
ALTER TABLE rated_lines ADD COLUMN list_cost TEXT NOT NULL DEFAULT '0';
ALTER TABLE rated_lines ADD COLUMN effective_cost TEXT NOT NULL DEFAULT '0';

-- A general percentage may apply to the list price ("list + x %") instead of the cost:
-- basis 'list' on a 'percent' change. Existing changes are on cost.
ALTER TABLE markup_changes ADD COLUMN basis TEXT NOT NULL DEFAULT 'cost'
    CHECK (basis IN ('cost', 'list'));
