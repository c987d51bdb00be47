-- Customer markups (resale prices): append-only changes, each effective from a day, for a
-- customer tenant or an organization. The history is the table; the markup in effect on a
-- day is the latest change of each term on or before it.
CREATE TABLE markup_changes (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT,     -- customer scope: the tenant
    customer_id     TEXT,
    organization_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,  -- organization scope
    term            TEXT NOT NULL CHECK (term IN ('percent', 'categoryPercent', 'monthlyFee')),
    category        TEXT,     -- categoryPercent: the meter category
    percent         TEXT,     -- decimal; NULL on categoryPercent removes the override
    fee             TEXT,     -- monthlyFee: decimal, billing currency
    effective_from  TEXT NOT NULL,  -- YYYY-MM-DD
    created_at      TEXT NOT NULL,
    FOREIGN KEY (account_id, customer_id) REFERENCES customers(account_id, id) ON DELETE CASCADE,
    CHECK ((customer_id IS NOT NULL AND account_id IS NOT NULL AND organization_id IS NULL)
        OR (organization_id IS NOT NULL AND customer_id IS NULL AND account_id IS NULL)),
    CHECK ((term = 'percent' AND percent IS NOT NULL AND category IS NULL AND fee IS NULL)
        OR (term = 'categoryPercent' AND category IS NOT NULL AND fee IS NULL)
        OR (term = 'monthlyFee' AND fee IS NOT NULL AND percent IS NULL AND category IS NULL))
) STRICT;
CREATE INDEX markup_changes_by_customer ON markup_changes(account_id, customer_id);
CREATE INDEX markup_changes_by_organization ON markup_changes(organization_id);
