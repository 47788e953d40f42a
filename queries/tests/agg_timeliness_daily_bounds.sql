-- Coverage is a share between 0 and 1 (covered orders are among those with a phone) and the
-- delay percentiles are ordered p50 <= p90 <= p99.
SELECT day, message_type, orders_with_phone, covered, coverage, p50_s, p90_s, p99_s
FROM {{ ref('agg_timeliness_daily') }}
WHERE coverage < 0 OR coverage > 1 OR covered > orders_with_phone
    OR (orders_with_phone > 0 AND coverage IS NULL)
    OR p50_s > p90_s OR p90_s > p99_s
