-- Every non-cancelled order of the period by the attribution rule that claimed it (link, post_send,
-- unmapped, or none), with revenue: what share of store revenue each rule accounts for. Store-wide
-- (orders belong to no sender code). Grain: rule. Params: $start, $end (order dates).
SELECT
    coalesce(attribution_rule, 'not attributed') AS rule,
    count(*) AS orders,
    coalesce(sum(net_revenue), 0)::DOUBLE AS net_revenue
FROM marts.fct_orders
WHERE order_date BETWEEN $start AND $end
  AND status IS DISTINCT FROM 'cancelled'
GROUP BY ALL
ORDER BY net_revenue DESC, rule
