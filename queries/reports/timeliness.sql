-- Delay from the order event (trigger) to the first accepted send per message type over the period:
-- continuous percentiles over all orders (not an average of daily percentiles), coverage, and the share
-- sent within the target. Grain: message type. Params: $start, $end (trigger dates), $sender_code_id,
-- $message_type (or NULL), $target_s (seconds). Orders that got no message have no sender code: with a
-- sender code chosen they still count (as not covered), since they cannot belong to another.
SELECT
    message_type,
    count(*) FILTER (WHERE has_phone) AS orders_with_phone,
    count(*) FILTER (WHERE has_phone AND got_message) AS covered,
    count(*) FILTER (WHERE has_phone AND got_message) / nullif(count(*) FILTER (WHERE has_phone), 0)
        AS coverage,
    quantile_cont(delay_s, 0.5) FILTER (WHERE got_message) AS p50_s,
    quantile_cont(delay_s, 0.9) FILTER (WHERE got_message) AS p90_s,
    quantile_cont(delay_s, 0.99) FILTER (WHERE got_message) AS p99_s,
    avg(CASE WHEN delay_s <= $target_s THEN 1.0 ELSE 0.0 END) FILTER (WHERE got_message) AS within_target
FROM marts.fct_order_messages
WHERE trigger_date BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id OR sender_code_id IS NULL)
  AND ($message_type IS NULL OR message_type = $message_type)
GROUP BY message_type
ORDER BY message_type
