-- Rating: our own figures for the usage Discovery imported, and what each customer-period was
-- rated from, so that rating again touches only what changed.
-- Money and quantities are decimal TEXT (never REAL). Dates are YYYY-MM-DD, periods YYYY-MM
-- (the calendar month of the usage day: Microsoft's billing period), times RFC 3339 UTC.

-- One line per customer, (Azure plan or legacy) subscription, Azure subscription, meter and
-- usage day: the usage records of that day (one per resource) rated and added up.
--   Azure plan: each record is rated as Microsoft rates it (tiers per Azure plan + meter over
--   the month, partner earned credit, the row's FX) and its FLOOR(..., 2) totals are summed, so
--   billing_pre_tax_total adds up exactly like the invoice's daily rated usage.
--   Legacy (0145P): priced from the customer's-currency rate card less the offer discount;
--   totals are kept at full precision (Microsoft floors the month's total per subscription and
--   meter on the legacy invoice, not a day).
CREATE TABLE rated_lines (
    account_id            TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    customer_id           TEXT NOT NULL,
    period                TEXT NOT NULL,   -- YYYY-MM of usage_date
    subscription_id       TEXT NOT NULL,   -- Partner Center subscription (the Azure plan, or the legacy subscription)
    entitlement_id        TEXT NOT NULL,   -- Azure subscription id
    meter_id              TEXT NOT NULL,   -- lower case
    usage_date            TEXT NOT NULL,
    usage_kind            TEXT NOT NULL,   -- azurePlan | legacy
    meter_name            TEXT,
    meter_category        TEXT,
    records               INTEGER NOT NULL, -- usage records added up in this line
    quantity              TEXT NOT NULL,
    unit_price            TEXT NOT NULL,   -- list price per unit before credit and discount (blended over tiers)
    effective_unit_price  TEXT NOT NULL,   -- per unit after credit and discount, pricing currency
    credit_rate           TEXT NOT NULL,   -- partner earned credit applied: 0 or 0.15
    discount              TEXT NOT NULL,   -- offer discount applied (legacy rate card), else 0
    fx_rate               TEXT NOT NULL,   -- pricing -> billing currency
    pricing_currency      TEXT NOT NULL,
    pricing_total         TEXT NOT NULL,
    billing_pre_tax_total TEXT NOT NULL,
    billing_currency      TEXT NOT NULL,
    price_origin          TEXT NOT NULL,   -- rateCard | priceList | partnerSheet | retailPrices
    rated_at              TEXT NOT NULL,
    PRIMARY KEY (account_id, customer_id, period, subscription_id, entitlement_id, meter_id, usage_date)
) STRICT;
CREATE INDEX rated_lines_by_period ON rated_lines(account_id, period);

-- What each customer-period was last rated from. Rating compares these fingerprints with the
-- inputs as they are now and rates again only the customer-periods whose usage, prices or
-- rating rules changed. Usage is placed in the period of its usage day, wherever it was
-- reported, so late usage changes the fingerprint of its own period only.
CREATE TABLE rating_state (
    account_id         TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    customer_id        TEXT NOT NULL,
    period             TEXT NOT NULL,   -- YYYY-MM
    usage_records      INTEGER NOT NULL, -- daily_usage + utilization_records rows read
    usage_fingerprint  TEXT NOT NULL,   -- hash of those rows, in order
    price_cards        TEXT NOT NULL,   -- currencies of the rate cards used, e.g. "USD,EUR"
    prices_fingerprint TEXT NOT NULL,   -- hash of those cards (meters, rates, offer terms)
    rules              INTEGER NOT NULL, -- version of our rating rules; a new version rates again
    lines              INTEGER NOT NULL,
    refused            TEXT,            -- why the period could not be rated (then it has no lines)
    rated_at           TEXT NOT NULL,
    PRIMARY KEY (account_id, customer_id, period)
) STRICT;

-- Rating reads usage per customer and period.
CREATE INDEX daily_usage_by_customer_day ON daily_usage(account_id, customer_id, usage_date);
CREATE INDEX utilization_by_day ON utilization_records(account_id, subscription_id, usage_start);
