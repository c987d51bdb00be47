-- The Dashboard's month sums, kept per customer-period (issue 19: a month of preset L is
-- millions of rated lines; the page reads these few rows instead). Each customer-period's
-- sums are made from its rated lines the first time a page asks after it was rated, and
-- dropped by the triggers below in the same transaction as any change to its rating_state
-- (rating writes a customer-period's lines and its state in one transaction), so a kept row
-- is never older than the lines it sums. Amounts are decimal TEXT, as everywhere.

-- A customer-period whose sums are kept and current.
CREATE TABLE rated_sums_kept (
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    period      TEXT NOT NULL,   -- YYYY-MM
    customer_id TEXT NOT NULL,
    PRIMARY KEY (period, account_id, customer_id)
) WITHOUT ROWID, STRICT;

-- kind 'day': key the day of the month ('01'..'31'), amount the rated total of the days up
--   to it (Azure plan lines added up; legacy lines floored per subscription and meter, as
--   the legacy invoice does); '31' is the month's total.
-- kind 'azurePlan' / 'legacy': key the meter category, amount its lines at full precision;
-- kind 'azurePlan:none' / 'legacy:none': lines without a category (key '').
CREATE TABLE rated_month_sums (
    account_id       TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    period           TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    billing_currency TEXT NOT NULL,
    kind             TEXT NOT NULL,
    key              TEXT NOT NULL,
    amount           TEXT NOT NULL,
    PRIMARY KEY (period, account_id, customer_id, billing_currency, kind, key)
) WITHOUT ROWID, STRICT;

CREATE TRIGGER rating_state_insert_drops_sums AFTER INSERT ON rating_state BEGIN
    DELETE FROM rated_sums_kept WHERE period = NEW.period AND account_id = NEW.account_id
        AND customer_id = NEW.customer_id;
    DELETE FROM rated_month_sums WHERE period = NEW.period AND account_id = NEW.account_id
        AND customer_id = NEW.customer_id;
END;
CREATE TRIGGER rating_state_update_drops_sums AFTER UPDATE ON rating_state BEGIN
    DELETE FROM rated_sums_kept WHERE period = OLD.period AND account_id = OLD.account_id
        AND customer_id = OLD.customer_id;
    DELETE FROM rated_month_sums WHERE period = OLD.period AND account_id = OLD.account_id
        AND customer_id = OLD.customer_id;
    DELETE FROM rated_sums_kept WHERE period = NEW.period AND account_id = NEW.account_id
        AND customer_id = NEW.customer_id;
    DELETE FROM rated_month_sums WHERE period = NEW.period AND account_id = NEW.account_id
        AND customer_id = NEW.customer_id;
END;
CREATE TRIGGER rating_state_delete_drops_sums AFTER DELETE ON rating_state BEGIN
    DELETE FROM rated_sums_kept WHERE period = OLD.period AND account_id = OLD.account_id
        AND customer_id = OLD.customer_id;
    DELETE FROM rated_month_sums WHERE period = OLD.period AND account_id = OLD.account_id
        AND customer_id = OLD.customer_id;
END;
