-- Delay from the order event (trigger) to the first accepted send per message type over the period:
-- continuous percentiles over all orders (not an average of daily percentiles), coverage, and the share
-- sent within the target. p50_s, p90_s and coverage are the registry's latency_p50_s, latency_p90_s
-- and coverage (queries/models/marts/_metrics.yml), equal to `lrreport metrics --by message_type`
-- (tests/models/test_metrics_consistency.py). Grain: message type. Params: $start, $end (trigger
-- dates), $sender_code_id, $message_type (or NULL), $target_s (seconds). With a sender code chosen,
-- an order counts as covered only when that sender code sent its message; every order with a phone
-- stays in the denominator (orders that got no message have no sender code of their own). Only
-- messages due before the send log ends count (fct_order_messages.is_due).
WITH orders AS (
    SELECT
        message_type,
        has_phone,
        got_message AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id) AS got_it,
        delay_s
    FROM marts.fct_order_messages
    WHERE trigger_date BETWEEN $start AND $end
      AND is_due
      AND ($message_type IS NULL OR message_type = $message_type)
)
SELECT
    message_type,
    count(*) FILTER (WHERE has_phone) AS orders_with_phone,
    count(*) FILTER (WHERE has_phone AND got_it) AS covered,
    CAST(count(*) FILTER (WHERE has_phone AND got_it) AS DOUBLE)
        / nullif(count(*) FILTER (WHERE has_phone), 0) AS coverage,
    quantile_cont(delay_s, 0.5) FILTER (WHERE got_it) AS p50_s,
    quantile_cont(delay_s, 0.9) FILTER (WHERE got_it) AS p90_s,
    quantile_cont(delay_s, 0.99) FILTER (WHERE got_it) AS p99_s,
    avg(CASE WHEN delay_s <= $target_s THEN 1.0 ELSE 0.0 END) FILTER (WHERE got_it) AS within_target
FROM orders
GROUP BY message_type
ORDER BY message_type
