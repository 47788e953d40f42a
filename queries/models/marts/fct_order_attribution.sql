-- Grain: one row per credited order, and per SMS-tagged order outside the click window or
-- unmapped; at most one per order, never a cancelled order.
-- Key: order_id.
-- Purpose: which send (or shell) each order's revenue is credited to, at its net revenue; the
-- rules are in macros/attribution.sql and the rows in marts.fct_orders (a view of them).
{{ config(materialized=lr_view()) }}
SELECT
    order_id,
    ordered_at,
    order_date,
    status,
    phone_number,
    currency,
    order_total,
    net_revenue,
    attribution_rule AS rule,
    attributed_send_id AS send_id,
    attributed_sender_code_id AS sender_code_id,
    attributed_phone_list_id AS phone_list_id,
    attributed_transactional_message_id AS transactional_message_id,
    attributed_message_name AS message_name,
    attributed_message_type AS message_type,
    attributed_sent_at AS sent_at,
    seconds_after_send,
    utm_source,
    utm_medium,
    utm_campaign,
    utm_content
FROM {{ ref('fct_orders') }}
WHERE attribution_rule IS NOT NULL
