-- The rows of marts.fct_order_attribution (credited, outside the click window, unmapped) under other
-- windows, for the attribution report's side-by-side view: the same rules (macros/attribution.sql)
-- with the click and view windows as parameters $click_window_hours and $view_window_hours.
-- Compiled by `lrreport build`; run by lrreport.warehouse.whatif.
WITH credits AS (
    {{ lr_order_credits(ref('int_orders'), ref('fct_sends'), '$click_window_hours', '$view_window_hours') }}
)

SELECT
    o.order_id,
    o.ordered_at,
    o.order_date,
    o.status,
    o.net_revenue,
    c.rule,
    c.send_id,
    c.sender_code_id,
    c.message_type,
    c.sent_at
FROM credits AS c
INNER JOIN {{ ref('fct_orders') }} AS o ON c.order_id = o.order_id
