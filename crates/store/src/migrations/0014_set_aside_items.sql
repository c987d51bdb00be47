-- Items Microsoft sent that could not be read as their type (an essential field missing or
-- unreadable: an id, an amount, a date), kept exactly as sent with where they were and why,
-- so that one odd item never blocks the rest of its page and is never dropped silently.
-- Every run's set-aside items are kept with the run (its details list them); `current` is 1
-- while the collection that held the item has not been read again since (Reconciliation
-- counts those). `collection` names what a re-read replaces whole: an invoice's line stream,
-- a usage source, a customer's subscriptions. `invoice_id` is the invoice (or the
-- `unbilled:YYYY-MM:CUR` source) a line belongs to. `raw` is Partner Center's item JSON:
-- billing data only, never a token.
CREATE TABLE set_aside_items (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    run_id      INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
    collection  TEXT NOT NULL,
    current     INTEGER NOT NULL DEFAULT 1,
    endpoint    TEXT NOT NULL,
    invoice_id  TEXT,
    customer_id TEXT,
    page        INTEGER NOT NULL,   -- page of the read, from 1 (a resumed read counts from its resume point)
    item_index  INTEGER NOT NULL,   -- index in the page's items, from 0
    field       TEXT NOT NULL,      -- JSON path of the field inside the item
    reason      TEXT NOT NULL,
    raw         TEXT NOT NULL
) STRICT;
CREATE INDEX set_aside_by_run ON set_aside_items(run_id);
CREATE INDEX set_aside_by_collection ON set_aside_items(account_id, collection) WHERE current = 1;
CREATE INDEX set_aside_by_invoice ON set_aside_items(account_id, invoice_id) WHERE current = 1;

-- Warnings of a run (items set aside): a run that read everything else ends Completed with
-- its warnings counted.
ALTER TABLE import_runs ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
