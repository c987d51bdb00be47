-- The same rating as crates/rating (rate.rs, tiers.rs), as one DuckDB query over the usage
-- table: per row, the tiered cost of its own units at its position in the month's cumulative
-- quantity of its (customer, Azure plan, meter), partner earned credit, Microsoft's rounding;
-- then per customer and month the sums of the floored line totals. Month-true: each month's
-- usage is priced with that month's tiers (the tiers table has a month column) and FX. Exact: DECIMAL throughout
-- (DuckDB divides DECIMALs in DOUBLE, so the one division, the effective unit price, is done
-- on 128-bit integers with the same half-away-from-zero rounding).
-- Parameter: $pec_rate, the partner earned credit rate (crates/rating's constant).
WITH bounded AS (
    -- Each tier's billable positions (threshold, next_threshold]; the last is open.
    SELECT meter, month, threshold, unit_price, included,
           LEAD(threshold) OVER (PARTITION BY meter, month ORDER BY threshold) AS next_threshold
    FROM tiers
),
tier_ranges AS (
    -- What every unit below the tier costs.
    SELECT meter, month, threshold, next_threshold, unit_price, included,
           COALESCE(SUM((next_threshold - threshold) * unit_price) OVER (
               PARTITION BY meter, month ORDER BY threshold
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cost_below
    FROM bounded
),
positioned AS (
    -- Cumulative quantity through each row: by day, then in the order the rows are listed.
    SELECT u.customer, u.meter, u.quantity, u.pec, u.currency,
           CAST(date_trunc('month', u.usage_date) AS DATE) AS month,
           SUM(u.quantity) OVER (
               PARTITION BY u.customer, u.plan, u.meter, date_trunc('month', u.usage_date)
               ORDER BY u.usage_date, u.row_no
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS through
    FROM usage u
),
billable AS (
    -- Positions after the included quantity, through and before the row (never below 0).
    SELECT p.*,
           GREATEST(p.through - m.included, 0) AS billable_through,
           GREATEST(p.through - p.quantity - m.included, 0) AS billable_before
    FROM positioned p
    JOIN (SELECT DISTINCT meter, month, included FROM tiers) m
      ON m.meter = p.meter AND m.month = p.month
),
listed AS (
    -- cost(through) - cost(before) over the tier table: the row's list cost, full precision.
    SELECT b.customer, b.month, b.currency, b.quantity,
           (t_through.cost_below
                + (b.billable_through - t_through.threshold) * t_through.unit_price)
           - (t_before.cost_below
                + (b.billable_before - t_before.threshold) * t_before.unit_price)
           AS list_cost,
           CASE WHEN b.pec THEN CAST($pec_rate AS DECIMAL(3, 2)) ELSE 0 END AS credit
    FROM billable b
    JOIN tier_ranges t_through
      ON t_through.meter = b.meter AND t_through.month = b.month
     AND b.billable_through >= t_through.threshold
     AND (t_through.next_threshold IS NULL OR b.billable_through < t_through.next_threshold)
    JOIN tier_ranges t_before
      ON t_before.meter = b.meter AND t_before.month = b.month
     AND b.billable_before >= t_before.threshold
     AND (t_before.next_threshold IS NULL OR b.billable_before < t_before.next_threshold)
),
scaled AS (
    -- list_cost x (1 - credit) at scale 15 and the quantity at scale 6, as integers.
    SELECT customer, month, currency, quantity,
           CAST(list_cost * (1 - credit) * CAST(1000000000000000 AS HUGEINT) AS HUGEINT) AS net,
           CAST(quantity * 1000000 AS HUGEINT) AS micro_units
    FROM listed
),
unit_priced AS (
    -- EUP = round(net / quantity, 6) half away from zero; in millionths: net / (units x 1000).
    SELECT customer, month, currency, quantity,
           CAST(CASE WHEN micro_units = 0 THEN 0
                     ELSE sign(net) * sign(micro_units)
                          * ((2 * abs(net) + abs(micro_units) * 1000) // (2 * abs(micro_units) * 1000))
                END AS DECIMAL(18, 0)) * 0.000001 AS effective_unit_price
    FROM scaled
)
SELECT r.customer, r.month, r.currency,
       -- FLOOR(x, 2) towards negative infinity, once per line.
       SUM(floor(r.effective_unit_price * r.quantity * 100) * 0.01) AS pricing_total,
       SUM(floor(r.effective_unit_price * r.quantity * fx.rate * 100) * 0.01) AS billing_total
FROM unit_priced r
JOIN fx ON fx.currency = r.currency AND fx.month = r.month
GROUP BY r.customer, r.month, r.currency
ORDER BY r.customer, r.month
