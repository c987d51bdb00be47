-- Data versions of rating's inputs: what changed is known from the imports, not by reading
-- rows. Every writer of daily usage facts or utilization records bumps the version of each
-- customer-period its rows touch, in the same transaction as the rows
-- (store::rated::versions). `rate` compares them with the versions `rating_state` recorded
-- and reads rows only where they moved; reconciliation keeps each customer's comparison
-- with the versions it was computed from.
--   kind 'usage':   Azure plan daily usage of the customer whose usage day is in `period`
--   kind 'legacy':  legacy (0145P) utilization records whose usage starts in `period`
--   kind 'invoice': daily usage on the invoice side of `period` (the invoices whose
--                   billing period starts in it, late usage included, and its unbilled usage)
CREATE TABLE input_versions (
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    period      TEXT NOT NULL,   -- YYYY-MM
    customer_id TEXT NOT NULL,
    kind        TEXT NOT NULL,   -- usage | legacy | invoice
    version     INTEGER NOT NULL,
    PRIMARY KEY (account_id, period, customer_id, kind)
) STRICT, WITHOUT ROWID;

-- The 'usage/legacy' versions a customer-period was rated from. NULL: rated before 0021;
-- the first rate after the upgrade reads such a customer-period's rows once and compares
-- their fingerprint as before, then records the versions (rating again only when the rows
-- differ).
ALTER TABLE rating_state ADD COLUMN input_versions TEXT;

-- Seeding: version 1 for every customer-period that holds rows now, so rate finds them
-- without a scan. One pass over the stored rows (grouped in the facts' key order first).
INSERT INTO input_versions (account_id, period, customer_id, kind, version)
    SELECT DISTINCT s.account_id, strftime('%Y-%m', g.day + 2440587.5), j.customer_id, 'usage', 1
    FROM (SELECT source_id, subject_id, day FROM daily_usage_facts
          GROUP BY source_id, subject_id, day) g
    JOIN usage_sources s ON s.id = g.source_id AND s.staged = 0
    JOIN usage_subjects j ON j.id = g.subject_id;
INSERT INTO input_versions (account_id, period, customer_id, kind, version)
    SELECT DISTINCT s.account_id,
        CASE WHEN s.source LIKE 'unbilled:%' THEN substr(s.source, 10, 7)
             ELSE (SELECT substr(i.billing_period_start, 1, 7) FROM invoices i
                   WHERE i.account_id = s.account_id AND i.id = s.source) END,
        j.customer_id, 'invoice', 1
    FROM (SELECT DISTINCT source_id, subject_id FROM daily_usage_facts) g
    JOIN usage_sources s ON s.id = g.source_id AND s.staged = 0
    JOIN usage_subjects j ON j.id = g.subject_id
    WHERE CASE WHEN s.source LIKE 'unbilled:%' THEN substr(s.source, 10, 7)
             ELSE (SELECT substr(i.billing_period_start, 1, 7) FROM invoices i
                   WHERE i.account_id = s.account_id AND i.id = s.source) END IS NOT NULL;
INSERT INTO input_versions (account_id, period, customer_id, kind, version)
    SELECT DISTINCT u.account_id, substr(u.usage_start, 1, 7), s.customer_id, 'legacy', 1
    FROM utilization_records u
    JOIN subscriptions s ON s.account_id = u.account_id AND s.id = u.subscription_id;

-- Reconciliation kept per customer-period: the comparison as the Reconciliation page shows
-- it (JSON), computed when the customer-period is rated or its invoice side moves, with
-- what it was computed from; the page reads a month of these, never a month of lines.
CREATE TABLE kept_reconciliation (
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    period      TEXT NOT NULL,   -- YYYY-MM
    customer_id TEXT NOT NULL,
    inputs      TEXT NOT NULL,   -- what it was computed from (rating state, versions, prices)
    result      TEXT NOT NULL,   -- the customer's reconciliation, JSON
    PRIMARY KEY (account_id, period, customer_id)
) STRICT, WITHOUT ROWID;
