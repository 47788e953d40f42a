-- Grain: one row per day a GA4 extraction covered and message type with link-attributed orders or
-- GA4 purchases.
-- Key: (day, message_type).
-- Purpose: lrreport's link-attributed orders and revenue against GA4's purchases and purchase
-- revenue from the same message's links, the differences, and the likely cause in words. GA4
-- keeps processing a day for up to 72 hours, so the last three days read are not final.
WITH ga4 AS (
    SELECT
        day,
        message_type,
        transactions,
        purchase_revenue
    FROM {{ ref('agg_ga4_sessions_daily') }}
),

links AS (
    SELECT
        order_date AS day,
        message_type,
        count(*) AS link_orders,
        sum(order_total) AS link_order_total,
        sum(net_revenue) AS link_revenue
    FROM {{ ref('fct_order_attribution') }}
    WHERE rule = 'link' AND message_type IS NOT NULL
    GROUP BY order_date, message_type
),

latest AS (
    SELECT max(report_date) AS last_day
    FROM {{ ref('stg_ga4_days') }}
),

joined AS (
    SELECT
        g.day,
        g.message_type,
        coalesce(l.link_orders, 0) AS link_orders,
        coalesce(l.link_order_total, 0) AS link_order_total,
        coalesce(l.link_revenue, 0) AS link_revenue,
        g.transactions AS ga4_transactions,
        g.purchase_revenue AS ga4_revenue,
        g.day > latest.last_day - INTERVAL 3 DAY AS ga4_not_final
    FROM ga4 AS g
    CROSS JOIN latest
    LEFT JOIN links AS l ON g.day = l.day AND g.message_type = l.message_type
    WHERE g.transactions > 0 OR l.link_orders > 0
)

SELECT
    day,
    message_type,
    link_orders,
    CAST(link_order_total AS DECIMAL(18, 2)) AS link_order_total,
    CAST(link_revenue AS DECIMAL(18, 2)) AS link_revenue,
    ga4_transactions,
    ga4_revenue,
    ga4_transactions - link_orders AS order_difference,
    CAST(ga4_revenue - link_order_total AS DECIMAL(18, 2)) AS revenue_difference,
    ga4_not_final,
    CASE
        WHEN ga4_not_final AND ga4_transactions < link_orders
            THEN 'GA4 processing delay: the last 72 hours are not final yet'
        WHEN ga4_transactions < link_orders
            THEN 'orders GA4 did not see: analytics consent declined or the tag blocked, or the UTM '
                || 'tags stripped on the way (redirect, app link)'
        WHEN ga4_transactions > link_orders
            THEN 'purchases lrreport does not credit: cancelled orders, orders missing from the loaded '
                || 'orders, or UTM tags lost between the session and the order'
        WHEN ga4_revenue <> link_order_total
            THEN 'same count, other amounts: GA4 counts the purchase event''s value (shipping, tax and '
                || 'currency settings may differ from the order total)'
        ELSE 'agree'
    END AS likely_cause
FROM joined
