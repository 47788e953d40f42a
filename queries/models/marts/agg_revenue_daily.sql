-- Grain: one row per business day, sender code and message type with attributed orders or
-- accepted sends.
-- Key: (day, sender_code_id, message_type).
-- Purpose: revenue the messages brought in: link and post-send orders and net revenue (dated by
-- when the order was placed), accepted sends (dated by when they were sent) and revenue per
-- accepted send. Unmapped SMS orders have no message type: see agg_store_revenue_daily.
WITH revenue AS (
    SELECT
        order_date AS day,
        sender_code_id,
        message_type,
        count(*) FILTER (WHERE rule = 'link') AS link_orders,
        coalesce(sum(net_revenue) FILTER (WHERE rule = 'link'), 0) AS link_revenue,
        count(*) FILTER (WHERE rule = 'post_send') AS post_send_orders,
        coalesce(sum(net_revenue) FILTER (WHERE rule = 'post_send'), 0) AS post_send_revenue
    FROM {{ ref('fct_order_attribution') }}
    WHERE rule IN ('link', 'post_send')
    GROUP BY order_date, sender_code_id, message_type
),

sends AS (
    SELECT day, sender_code_id, message_type, accepted AS accepted_sends
    FROM {{ ref('agg_sends_daily') }}
),

joined AS (
    SELECT
        coalesce(r.day, s.day) AS day,
        coalesce(r.sender_code_id, s.sender_code_id) AS sender_code_id,
        coalesce(r.message_type, s.message_type) AS message_type,
        coalesce(r.link_orders, 0) AS link_orders,
        coalesce(r.link_revenue, 0) AS link_revenue,
        coalesce(r.post_send_orders, 0) AS post_send_orders,
        coalesce(r.post_send_revenue, 0) AS post_send_revenue,
        coalesce(s.accepted_sends, 0) AS accepted_sends
    FROM revenue AS r
    FULL OUTER JOIN sends AS s
        ON s.day = r.day AND s.sender_code_id = r.sender_code_id AND s.message_type = r.message_type
)

SELECT
    day,
    sender_code_id,
    message_type,
    link_orders,
    CAST(link_revenue AS DECIMAL(18, 2)) AS link_revenue,
    post_send_orders,
    CAST(post_send_revenue AS DECIMAL(18, 2)) AS post_send_revenue,
    CAST(link_revenue + post_send_revenue AS DECIMAL(18, 2)) AS attributed_revenue,
    accepted_sends,
    CASE WHEN accepted_sends > 0 THEN CAST(link_revenue + post_send_revenue AS DOUBLE) / accepted_sends END
        AS revenue_per_accepted_send
FROM joined
