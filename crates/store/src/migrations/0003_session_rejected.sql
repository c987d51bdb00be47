-- When Microsoft rejected the stored refresh token (revoked, password change, 90 days unused),
-- so the Accounts page can say "Sign in again" for the user it was, not just "signed out".
ALTER TABLE account_sessions ADD COLUMN rejected_at TEXT;   -- RFC 3339 UTC, NULL while valid
