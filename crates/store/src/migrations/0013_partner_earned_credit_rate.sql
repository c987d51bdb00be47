-- Partner earned credit as a rate, not a flag (issue 18). Microsoft's daily rated usage rows
-- never carried `hasPartnerEarnedCredit` (only the emulator did); they carry
-- `rateOfPartnerEarnedCredit` (0.15) and `creditType`. partner_earned_credit_rate is that
-- fraction as decimal TEXT.
-- Rows stored before: a flag the emulator sent becomes its rate (1 -> 0.15, 0 -> 0); a row
-- without the flag (read from Microsoft, which never sent one, so stored as "no credit") is
-- derived from its own prices: 0.15 when its effectiveUnitPrice is 85 % of its unitPrice
-- (within half a hundredth of the ratio), else 0. The next Discovery run rewrites unbilled
-- periods from Microsoft's own rates.
ALTER TABLE daily_usage ADD COLUMN partner_earned_credit_rate TEXT NOT NULL DEFAULT '0';
UPDATE daily_usage SET partner_earned_credit_rate = CASE
    WHEN has_partner_earned_credit = 1 THEN '0.15'
    WHEN has_partner_earned_credit = 0 THEN '0'
    WHEN CAST(unit_price AS REAL) > 0
         AND abs(CAST(effective_unit_price AS REAL) / CAST(unit_price AS REAL) - 0.85) < 0.005
        THEN '0.15'
    ELSE '0'
END;
ALTER TABLE daily_usage DROP COLUMN has_partner_earned_credit;
