-- Grain: one row per order (every order, cancelled ones included).
-- Key: order_id.
-- Purpose: orders with their business date, net revenue, UTM tags and how attribution credited
-- them (macros/attribution.sql, with the configured click and view windows): the rule (link,
-- post_send, outside_click_window, unmapped; NULL otherwise), the send and shell credited and how long after
-- the send the order came. marts.fct_order_attribution lists the credited orders.
-- Incremental: recomputes lr_affected_order_credits() (new or changed orders, and the orders a
-- new send can earn).
{{ lr_incremental('order_id', 'lr_affected_order_credits') }}
WITH orders AS (
    SELECT *
    FROM {{ ref('int_orders') }}
    {% if is_incremental() -%}
    WHERE order_id IN ({{ lr_affected_keys(lr_affected_order_credits) }})
    {%- endif %}
),

credits AS (
    {{ lr_order_credits(
        'orders', ref('fct_sends'), var('click_window_days') | int * 24, var('view_window_hours'),
        some_orders=is_incremental()
    ) }}
)

SELECT
    o.order_id,
    o.ordered_at,
    {{ lr_local_date('o.ordered_at') }} AS order_date,
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
    c.rule AS attribution_rule,
    c.send_id AS attributed_send_id,
    c.sender_code_id AS attributed_sender_code_id,
    c.phone_list_id AS attributed_phone_list_id,
    c.transactional_message_id AS attributed_transactional_message_id,
    c.message_name AS attributed_message_name,
    c.message_type AS attributed_message_type,
    c.sent_at AS attributed_sent_at,
    {{ lr_seconds_between('c.sent_at', 'o.ordered_at') }} AS seconds_after_send,
    o.shipped_at,
    o.delivered_at,
    {{ lr_build_id() }} AS _build_id
FROM orders AS o
LEFT JOIN credits AS c ON o.order_id = c.order_id
