-- Grain: one row per order.
-- Key: order_id.
-- Purpose: orders with net revenue (order total less refunds; a refunded order without a
-- refunded total counts as fully refunded; cancelled orders have none; never below 0), whether
-- their UTM says they came from an SMS link (vars utm_source / utm_medium, ignoring case) and the
-- key of the shell their campaign names (lr_campaign_map: through var campaign_map when listed
-- there, else the campaign itself). A view: the incremental marts read only the orders they recompute.
{{ config(materialized=lr_view()) }}
WITH campaign_map AS (
    {{ lr_campaign_map() }}
),

orders AS (
    SELECT
        o.*,
        o.phone_number IS NOT NULL AS has_phone,
        coalesce(
            lower(o.utm_source) = lower({{ lr_quote(var('utm_source')) }})
            AND lower(o.utm_medium) = lower({{ lr_quote(var('utm_medium')) }}),
            FALSE
        ) AS is_sms_tagged
    FROM {{ ref('stg_orders') }} AS o
)

SELECT
    o.order_id,
    o.ordered_at,
    o.status,
    o.phone_number,
    o.has_phone,
    o.email,
    coalesce(o.currency, {{ lr_quote(var('currency')) }}) AS currency,
    o.order_total,
    o.refunded_total,
    CAST(
        CASE
            WHEN o.status = 'cancelled' THEN 0
            WHEN
                o.status = 'refunded'
                THEN greatest(o.order_total - coalesce(o.refunded_total, o.order_total), 0)
            ELSE greatest(o.order_total - coalesce(o.refunded_total, 0), 0)
        END AS DECIMAL(18, 2)
    ) AS net_revenue,
    o.landing_url,
    o.utm_source,
    o.utm_medium,
    o.utm_campaign,
    o.utm_content,
    o.is_sms_tagged,
    CASE
        WHEN o.is_sms_tagged THEN {{ lr_campaign_shell_key('o.utm_campaign') }}
    END AS campaign_shell_key,
    o.shipped_at,
    o.delivered_at,
    o.visited_at,
    o._load_id
FROM orders AS o
LEFT JOIN campaign_map AS cm ON {{ lr_name_key('o.utm_campaign') }} = cm.campaign_key
