-- One run history for every import from Microsoft: Discovery, Cost Management exports and
-- Azure Stack usage. Discovery's history (0004's discovery_runs) becomes import_runs with
-- kind 'discovery' and no source, so every run kept so far stays readable as it was.
-- source names what was imported within the account: NULL for Discovery, the cost source
-- id for cost exports, 'subscription/resourceGroup/registration' for Stack usage;
-- source_label is its name as shown when the run started (a removed source keeps it).
ALTER TABLE discovery_runs RENAME TO import_runs;
ALTER TABLE import_runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'discovery'
    CHECK (kind IN ('discovery', 'costExports', 'stackUsage'));
ALTER TABLE import_runs ADD COLUMN source TEXT;
ALTER TABLE import_runs ADD COLUMN source_label TEXT;
DROP INDEX discovery_runs_by_account;
CREATE INDEX import_runs_by_source ON import_runs(account_id, kind, source, id);
