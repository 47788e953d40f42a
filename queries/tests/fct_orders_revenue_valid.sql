-- Net revenue lies between 0 and the order total; cancelled orders have none and no attribution;
-- the attribution rule is one of link, post_send, outside_click_window, unmapped.
SELECT order_id, status, order_total, refunded_total, net_revenue, attribution_rule
FROM {{ ref('fct_orders') }}
WHERE net_revenue IS NULL OR net_revenue < 0 OR net_revenue > greatest(order_total, 0)
    OR (status = 'cancelled' AND (net_revenue <> 0 OR attribution_rule IS NOT NULL))
    OR attribution_rule NOT IN ('link', 'post_send', 'outside_click_window', 'unmapped')
