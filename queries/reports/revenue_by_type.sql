-- Attributed orders and revenue per message type over the period, link vs post-send, and revenue per
-- accepted send: the registry's link_orders, link_revenue, post_send_orders, post_send_revenue,
-- attributed_revenue, accepted and revenue_per_accepted_send (queries/models/marts/_metrics.yml) per
-- type, revenue dated by the order's day and sends by their own, equal to `lrreport metrics --by
-- message_type` (tests/models/test_metrics_consistency.py). Grain: message type. Params: $start,
-- $end, $sender_code_id.
SELECT
    coalesce(message_type, '(unknown)') AS message_type,
    sum(link_orders)::BIGINT AS link_orders,
    sum(link_revenue)::DOUBLE AS link_revenue,
    sum(post_send_orders)::BIGINT AS post_send_orders,
    sum(post_send_revenue)::DOUBLE AS post_send_revenue,
    sum(attributed_revenue)::DOUBLE AS attributed_revenue,
    sum(accepted_sends)::BIGINT AS accepted_sends,
    sum(attributed_revenue)::DOUBLE / nullif(sum(accepted_sends), 0) AS revenue_per_accepted_send
FROM marts.agg_revenue_daily
WHERE day BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
GROUP BY ALL
ORDER BY attributed_revenue DESC NULLS LAST, message_type
