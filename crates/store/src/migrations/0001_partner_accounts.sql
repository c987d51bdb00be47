-- Partner accounts: one row per partner tenant the user manages.
CREATE TABLE partner_accounts (
    id          TEXT PRIMARY KEY NOT NULL,          -- random UUID, also keys the keyring entry
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE, -- display name, unique ignoring case
    tenant_id   TEXT NOT NULL UNIQUE,                -- partner tenant GUID, lower case
    created_at  TEXT NOT NULL                        -- RFC 3339 UTC
) STRICT;
