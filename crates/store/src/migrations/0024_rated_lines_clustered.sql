-- Rated lines clustered by account, period and customer (issue 19: at preset L, 4.9M rated
-- lines took 3.3 GB, a third of it the primary key's separate index and the period index).
-- The table becomes WITHOUT ROWID with its key ordered (account, period, customer, ...):
-- every reader asks for an account's period, or one customer's period, so the key's prefix
-- serves them all and the table's order is the order `rated::lines` lists them in. The key
-- holds the same columns as before, so a line is as unique as it was. Converted in this
-- migration's one transaction, in key order.
CREATE TABLE rated_lines_clustered (
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
    list_cost             TEXT NOT NULL DEFAULT '0',
    effective_cost        TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (account_id, period, customer_id, subscription_id, entitlement_id, meter_id,
                 usage_date)
) STRICT, WITHOUT ROWID;

INSERT INTO rated_lines_clustered (account_id, customer_id, period, subscription_id,
        entitlement_id, meter_id, usage_date, usage_kind, meter_name, meter_category, records,
        quantity, unit_price, effective_unit_price, credit_rate, discount, fx_rate,
        pricing_currency, pricing_total, billing_pre_tax_total, billing_currency, price_origin,
        rated_at, list_cost, effective_cost)
    SELECT account_id, customer_id, period, subscription_id, entitlement_id, meter_id,
        usage_date, usage_kind, meter_name, meter_category, records, quantity, unit_price,
        effective_unit_price, credit_rate, discount, fx_rate, pricing_currency, pricing_total,
        billing_pre_tax_total, billing_currency, price_origin, rated_at, list_cost,
        effective_cost
    FROM rated_lines
    -- A line whose account is gone (only a tool with foreign keys off leaves one) is no line
    -- any reader sees; carried over it would fail the key and leave the file unopenable.
    WHERE account_id IN (SELECT id FROM partner_accounts)
    ORDER BY account_id, period, customer_id, subscription_id, entitlement_id, meter_id,
        usage_date;

-- The period index goes with the old table: the key's prefix replaces it.
DROP TABLE rated_lines;
ALTER TABLE rated_lines_clustered RENAME TO rated_lines;
