-- Attribution rows obey the rules: never a cancelled order, attributed revenue no more than the
-- order's revenue, a post-send credit always names a send, an unmapped one never does, a credited
-- send was accepted, went to the order's phone, is not about the same order, was sent at or
-- before the order (and the visit) within the window of its rule (a link click is its visit, else
-- its send), and matches the row's shell; an order outside the click window is older than it.
SELECT
    a.order_id, a.rule, a.status, a.net_revenue, o.order_total, a.send_id, s.accepted,
    s.phone_number AS send_phone, a.phone_number AS order_phone, s.sent_at, a.ordered_at
FROM {{ ref('fct_order_attribution') }} AS a
-- on an increment, the orders this build recomputed: a new version of an order recomputes it, and
-- the sends it can be credited to never change (macros/tests/where_subquery.sql)
INNER JOIN {{ lr_rows_to_test(ref('fct_orders')) }} AS o ON o.order_id = a.order_id
INNER JOIN {{ ref('int_orders') }} AS v ON v.order_id = a.order_id
LEFT JOIN {{ ref('fct_sends') }} AS s ON s.send_id = a.send_id
WHERE a.status = 'cancelled'
    OR a.net_revenue > o.order_total OR a.net_revenue <> o.net_revenue
    OR a.rule NOT IN ('link', 'post_send', 'outside_click_window', 'unmapped')
    OR (a.rule = 'post_send' AND a.send_id IS NULL)
    OR (a.rule = 'unmapped' AND (a.send_id IS NOT NULL OR a.message_type IS NOT NULL))
    OR (a.rule IN ('link', 'outside_click_window') AND a.message_type IS NULL)
    OR (
        a.rule = 'outside_click_window'
        AND a.ordered_at < {{ lr_add_days('coalesce(v.visited_at, a.sent_at)', var('click_window_days')) }}
    )
    OR (a.send_id IS NOT NULL AND (
        s.send_id IS NULL
        OR NOT s.accepted
        OR s.phone_number IS DISTINCT FROM a.phone_number
        OR s.order_id IS NOT DISTINCT FROM a.order_id
        OR s.sent_at > a.ordered_at
        OR s.sent_at <> a.sent_at
        OR s.transactional_message_id <> a.transactional_message_id
        OR (a.rule IN ('link', 'outside_click_window') AND s.sent_at > v.visited_at)
        OR (
            a.rule = 'link'
            AND a.ordered_at
            >= {{ lr_add_days('coalesce(v.visited_at, s.sent_at)', var('click_window_days')) }}
        )
        OR (
            a.rule = 'post_send' AND a.ordered_at >= {{ lr_add_hours('s.sent_at', var('view_window_hours')) }}
        )
    ))
