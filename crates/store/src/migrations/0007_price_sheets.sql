-- Price files a partner imports (its own price sheet, the Azure plan price list exported from
-- Partner Center, a Retail Prices API page). Rating takes their prices before the rate
-- card's, in the order of rating's PriceOrigin. Each entry is stored whole as JSON (decimals
-- as strings) so the rating crate's validated types round-trip exactly.
CREATE TABLE price_sheets (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    origin      TEXT NOT NULL,    -- partnerSheet | priceList | retailPrices
    file_name   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,    -- hash of the entries: the same file twice is one sheet
    entries     INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (account_id, fingerprint)
) STRICT;

CREATE TABLE price_sheet_entries (
    sheet_id INTEGER NOT NULL REFERENCES price_sheets(id) ON DELETE CASCADE,
    entry    TEXT NOT NULL
) STRICT;

CREATE INDEX price_sheet_entries_by_sheet ON price_sheet_entries(sheet_id);
