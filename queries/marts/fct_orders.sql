-- Grain: one row per order (every order, cancelled ones included).
-- Key: order_id.
-- Purpose: orders with their business date, net revenue, UTM tags and the attribution rule
-- that credited them (NULL when not attributed; see fct_order_attribution).
SELECT
    o.order_id,
    o.ordered_at,
    CAST(timezone(getvariable('lr_timezone'), o.ordered_at) AS DATE) AS order_date,
    o.status,
    o.phone_number,
    o.has_phone,
    o.email,
    o.currency,
    o.order_total,
    o.refunded_total,
    o.net_revenue,
    o.landing_url,
    o.utm_source,
    o.utm_medium,
    o.utm_campaign,
    o.utm_content,
    o.is_sms_tagged,
    a.rule AS attribution_rule,
    a.send_id AS attributed_send_id,
    a.message_type AS attributed_message_type,
    o.shipped_at,
    o.delivered_at
FROM intermediate.int_orders AS o
LEFT JOIN marts.fct_order_attribution AS a ON a.order_id = o.order_id
