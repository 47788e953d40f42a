-- Grain: one row per trigger date (business time zone) and triggered message type.
-- Key: (day, message_type).
-- Purpose: how fast and how completely triggered messages go out: orders whose message was due
-- before the send log ends (fct_order_messages.is_due), those with a phone, how many of them got
-- the message (coverage, cancelled orders included), and continuous p50 / p90 / p99 of the delay
-- in seconds over the orders that got it.
SELECT
    trigger_date AS day,
    message_type,
    count(*) AS orders,
    count(*) FILTER (WHERE has_phone) AS orders_with_phone,
    count(*) FILTER (WHERE has_phone AND got_message) AS covered,
    CASE
        WHEN count(*) FILTER (WHERE has_phone) > 0
            THEN count(*) FILTER (WHERE has_phone AND got_message) / count(*) FILTER (WHERE has_phone)
    END AS coverage,
    count(*) FILTER (WHERE got_message) AS messaged,
    {{ lr_percentile('delay_s', 0.5, 'got_message') }} AS p50_s,
    {{ lr_percentile('delay_s', 0.9, 'got_message') }} AS p90_s,
    {{ lr_percentile('delay_s', 0.99, 'got_message') }} AS p99_s
FROM {{ ref('fct_order_messages') }}
WHERE is_due
GROUP BY trigger_date, message_type
