-- Attributed revenue is link plus post-send revenue on every row, the daily totals add up to
-- fct_order_attribution, and no day credits SMS with more than the store's revenue.
WITH rows_wrong AS (
    SELECT day, sender_code_id, message_type, 'attributed <> link + post_send' AS problem
    FROM {{ ref('agg_revenue_daily') }}
    WHERE attributed_revenue <> link_revenue + post_send_revenue
),

totals AS (
    SELECT
        (SELECT coalesce(sum(link_revenue + post_send_revenue), 0) FROM {{ ref('agg_revenue_daily') }}
        ) AS agg,
        (
            SELECT coalesce(sum(net_revenue), 0) FROM {{ ref('fct_order_attribution') }}
            WHERE rule IN ('link', 'post_send')
        ) AS fct
),

over_store AS (
    SELECT r.day, NULL AS sender_code_id, NULL AS message_type, 'attributed > store revenue' AS problem
    FROM (
        SELECT day, sum(attributed_revenue) AS attributed FROM {{ ref('agg_revenue_daily') }}
        GROUP BY day
    ) AS r
    LEFT JOIN {{ ref('agg_store_revenue_daily') }} AS s ON s.day = r.day
    WHERE r.attributed > coalesce(s.net_revenue, 0)
)

SELECT * FROM rows_wrong
UNION ALL
SELECT NULL, NULL, NULL, 'daily totals ' || agg || ' <> attribution ' || fct FROM totals
WHERE agg <> fct
UNION ALL
SELECT * FROM over_store
