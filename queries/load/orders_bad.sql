-- Staged order rows that break a rule (each rule is spelled out per column in orders_rejects).
CREATE OR REPLACE TEMP TABLE _bad AS
SELECT s.*, p.e164 AS _e164
FROM _stage AS s
LEFT JOIN _phones AS p ON p.raw = s.phone_number
WHERE lr_missing(s.order_id) IS NOT NULL
   OR lr_missing(s.ordered_at) IS NOT NULL
   OR lr_ts_problem(s.ordered_at) IS NOT NULL
   OR lr_missing(s.order_total) IS NOT NULL
   OR lr_money_problem(s.order_total) IS NOT NULL
   OR lr_money_problem(s.refunded_total) IS NOT NULL
   OR lr_money(s.refunded_total) > lr_money(s.order_total)
   OR (lr_text(s.phone_number) IS NOT NULL AND p.e164 IS NULL)
   OR lr_order_status(s.status) = '?'
   OR NOT coalesce(regexp_full_match(lr_text(s.currency), '[A-Za-z]{3}'), TRUE)
   OR lr_ts_problem(s.shipped_at) IS NOT NULL
   OR lr_ts_problem(s.delivered_at) IS NOT NULL;
