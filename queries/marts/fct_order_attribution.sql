-- Grain: one row per attributed or unmapped SMS-tagged order; at most one per order, never a
-- cancelled order.
-- Key: order_id.
-- Purpose: which send (or shell) each order's revenue is credited to, at its net revenue:
--  * link: the order's UTM source / medium are settings.attribution.utm_source / utm_medium and
--    its campaign names a shell (case and punctuation ignored, or settings.attribution.campaign_map);
--    credited to the latest accepted send of that shell to the order's phone with
--    sent_at <= ordered_at < sent_at + click window, else to the shell without a send;
--  * post_send: otherwise, the latest accepted send of any shell to the order's phone with
--    sent_at <= ordered_at < sent_at + view window;
--  * unmapped: otherwise, SMS-tagged orders whose campaign names no shell (send and shell NULL).
-- A send about the same order (its order_id) never gets the credit. Ties: the latest sent_at,
-- then the greatest send_id. Windows come from getvariable('lr_click_window' / 'lr_view_window'),
-- which attribution_with_windows() overrides for what-if views.
WITH orders AS (
    SELECT *
    FROM intermediate.int_orders
    WHERE status <> 'cancelled'
),
accepted AS (
    SELECT
        send_id,
        sent_at,
        sender_code_id,
        phone_list_id,
        transactional_message_id,
        message_name,
        message_type,
        phone_number,
        order_id AS about_order_id
    FROM intermediate.int_sends
    WHERE accepted AND phone_number IS NOT NULL
),
campaign_shells AS (
    SELECT
        o.order_id,
        o.phone_number,
        o.ordered_at,
        m.sender_code_id,
        m.phone_list_id,
        m.transactional_message_id,
        m.message_name,
        m.message_type
    FROM orders AS o
    JOIN intermediate.int_messages AS m ON m.name_key = o.campaign_shell_key
),
link_shells AS (
    SELECT
        order_id,
        arg_min(
            {
                'sender_code_id': sender_code_id,
                'phone_list_id': phone_list_id,
                'transactional_message_id': transactional_message_id,
                'message_name': message_name,
                'message_type': message_type
            },
            (sender_code_id, phone_list_id, transactional_message_id)
        ) AS shell
    FROM campaign_shells
    GROUP BY order_id
),
link_sends AS (
    SELECT
        cs.order_id,
        s.*,
        row_number() OVER (PARTITION BY cs.order_id ORDER BY s.sent_at DESC, s.send_id DESC) AS rank
    FROM campaign_shells AS cs
    JOIN accepted AS s
        ON s.sender_code_id = cs.sender_code_id
        AND s.phone_list_id = cs.phone_list_id
        AND s.transactional_message_id = cs.transactional_message_id
        AND s.phone_number = cs.phone_number
        AND s.sent_at <= cs.ordered_at
        AND cs.ordered_at < s.sent_at + getvariable('lr_click_window')
        AND s.about_order_id IS DISTINCT FROM cs.order_id
),
view_orders AS (
    SELECT o.order_id, o.phone_number, o.ordered_at
    FROM orders AS o
    ANTI JOIN link_shells AS l ON l.order_id = o.order_id
    WHERE o.phone_number IS NOT NULL
),
post_sends AS (
    SELECT
        vo.order_id,
        s.*,
        row_number() OVER (PARTITION BY vo.order_id ORDER BY s.sent_at DESC, s.send_id DESC) AS rank
    FROM view_orders AS vo
    JOIN accepted AS s
        ON s.phone_number = vo.phone_number
        AND s.sent_at <= vo.ordered_at
        AND vo.ordered_at < s.sent_at + getvariable('lr_view_window')
        AND s.about_order_id IS DISTINCT FROM vo.order_id
),
credits AS (
    SELECT
        l.order_id,
        'link' AS rule,
        ls.send_id,
        coalesce(ls.sender_code_id, l.shell.sender_code_id) AS sender_code_id,
        coalesce(ls.phone_list_id, l.shell.phone_list_id) AS phone_list_id,
        coalesce(ls.transactional_message_id, l.shell.transactional_message_id) AS transactional_message_id,
        coalesce(ls.message_name, l.shell.message_name) AS message_name,
        coalesce(ls.message_type, l.shell.message_type) AS message_type,
        ls.sent_at
    FROM link_shells AS l
    LEFT JOIN link_sends AS ls ON ls.order_id = l.order_id AND ls.rank = 1
    UNION ALL
    SELECT
        order_id,
        'post_send' AS rule,
        send_id,
        sender_code_id,
        phone_list_id,
        transactional_message_id,
        message_name,
        message_type,
        sent_at
    FROM post_sends
    WHERE rank = 1
),
unmapped AS (
    SELECT
        o.order_id,
        'unmapped' AS rule,
        CAST(NULL AS VARCHAR) AS send_id,
        CAST(NULL AS INTEGER) AS sender_code_id,
        CAST(NULL AS INTEGER) AS phone_list_id,
        CAST(NULL AS INTEGER) AS transactional_message_id,
        CAST(NULL AS VARCHAR) AS message_name,
        CAST(NULL AS VARCHAR) AS message_type,
        CAST(NULL AS TIMESTAMPTZ) AS sent_at
    FROM orders AS o
    ANTI JOIN credits AS c ON c.order_id = o.order_id
    WHERE o.is_sms_tagged
)
SELECT
    o.order_id,
    o.ordered_at,
    CAST(timezone(getvariable('lr_timezone'), o.ordered_at) AS DATE) AS order_date,
    o.status,
    o.phone_number,
    o.currency,
    o.order_total,
    o.net_revenue,
    c.rule,
    c.send_id,
    c.sender_code_id,
    c.phone_list_id,
    c.transactional_message_id,
    c.message_name,
    c.message_type,
    c.sent_at,
    epoch(o.ordered_at) - epoch(c.sent_at) AS seconds_after_send,
    o.utm_source,
    o.utm_medium,
    o.utm_campaign,
    o.utm_content
FROM (SELECT * FROM credits UNION ALL SELECT * FROM unmapped) AS c
JOIN orders AS o ON o.order_id = c.order_id
