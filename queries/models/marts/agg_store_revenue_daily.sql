-- Grain: one row per business day with at least one non-cancelled order.
-- Key: day.
-- Purpose: the store's revenue, to put attributed revenue in proportion: non-cancelled orders
-- and their net revenue, and how much of it SMS was credited with (link, post-send) or carried
-- an SMS tag no shell matched (unmapped).
SELECT
    order_date AS day,
    count(*) AS orders,
    CAST(sum(net_revenue) AS DECIMAL(18, 2)) AS net_revenue,
    count(*) FILTER (WHERE is_sms_tagged) AS sms_tagged_orders,
    count(*) FILTER (WHERE attribution_rule IN ('link', 'post_send')) AS attributed_orders,
    CAST(
        coalesce(sum(net_revenue) FILTER (WHERE attribution_rule IN ('link', 'post_send')), 0)
        AS DECIMAL(18, 2)
    ) AS attributed_revenue,
    count(*) FILTER (WHERE attribution_rule = 'unmapped') AS unmapped_orders,
    CAST(
        coalesce(sum(net_revenue) FILTER (WHERE attribution_rule = 'unmapped'), 0)
        AS DECIMAL(18, 2)
    ) AS unmapped_revenue,
    CASE
        WHEN sum(net_revenue) > 0
            THEN CAST(
                    coalesce(sum(net_revenue) FILTER (WHERE attribution_rule IN ('link', 'post_send')), 0)
                    AS DOUBLE
                ) / CAST(sum(net_revenue) AS DOUBLE
                )
    END AS attributed_share
FROM {{ ref('fct_orders') }}
WHERE status <> 'cancelled'
GROUP BY order_date
