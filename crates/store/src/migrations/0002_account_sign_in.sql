-- Where each account signs in and what its last sign-in said. Secrets are never here:
-- the refresh token lives only in the OS keyring, keyed by partner_accounts.id.
ALTER TABLE partner_accounts ADD COLUMN authority TEXT NOT NULL DEFAULT 'https://login.microsoftonline.com';
ALTER TABLE partner_accounts ADD COLUMN client_id TEXT;            -- the partner's registered native app; NULL until set
ALTER TABLE partner_accounts ADD COLUMN partner_center_base TEXT NOT NULL DEFAULT 'https://api.partnercenter.microsoft.com';
ALTER TABLE partner_accounts ADD COLUMN arm_base TEXT NOT NULL DEFAULT 'https://management.azure.com';
ALTER TABLE partner_accounts ADD COLUMN sandbox_seed INTEGER;      -- non-NULL: served by the embedded emulator

CREATE TABLE account_sessions (
    account_id        TEXT PRIMARY KEY NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    upn               TEXT NOT NULL,
    user_oid          TEXT NOT NULL,
    tenant_id         TEXT NOT NULL,
    roles             TEXT NOT NULL,   -- comma-separated directory role template ids (wids)
    mfa               INTEGER NOT NULL,
    consented_at      TEXT NOT NULL,   -- RFC 3339 UTC, when the user consented interactively
    last_refreshed_at TEXT NOT NULL    -- RFC 3339 UTC, last successful use of the refresh token
) STRICT;
