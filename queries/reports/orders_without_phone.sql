-- Non-cancelled orders of the period without a phone number: no post-send attribution, no timeliness,
-- only the link rule can credit them. Grain: one row. Params: $start, $end (order dates).
SELECT
    count(*) AS orders,
    count(*) FILTER (WHERE NOT has_phone) AS orders_without_phone,
    count(*) FILTER (WHERE NOT has_phone) / nullif(count(*), 0) AS share_without_phone,
    coalesce(sum(net_revenue) FILTER (WHERE NOT has_phone), 0)::DOUBLE AS revenue_without_phone,
    count(*) FILTER (WHERE NOT has_phone AND is_sms_tagged) AS sms_tagged_without_phone,
    count(*) FILTER (WHERE NOT has_phone AND attribution_rule = 'link') AS credited_by_link
FROM marts.fct_orders
WHERE order_date BETWEEN $start AND $end
  AND status IS DISTINCT FROM 'cancelled'
