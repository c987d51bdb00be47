-- Microsoft's Pricing API (price sheets and FX rates by month, issue 16): where an account
-- calls it (the emulator's `<origin>/partner/v1.0` for the sandbox).
ALTER TABLE partner_accounts ADD COLUMN pricing_base TEXT NOT NULL DEFAULT 'https://api.partner.microsoft.com/v1.0';
