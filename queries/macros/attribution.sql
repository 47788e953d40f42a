{# The attribution rules, in one place (marts.fct_orders uses them with the configured windows,
   analyses/attribution_windows.sql with the windows a report asks for). One row per order of
   `orders` that is credited, outside the click window or unmapped:
    * link: the order's UTM source / medium are vars utm_source / utm_medium and its campaign names
      a shell (case and punctuation ignored, or var campaign_map). Its send is the latest accepted
      send of that shell to the order's phone sent at or before the click (a click cannot precede
      its send) and the order. The click is the visit (visited_at) where the source dates it, else
      that send. Credited when ordered_at < click + click window, or when nothing dates the click
      (no visit, no send of the shell to the phone: the tag proves a click), then to the shell;
    * post_send: otherwise, the latest accepted send of any shell to the order's phone with
      sent_at <= ordered_at < sent_at + view window;
    * outside_click_window: otherwise, a link order whose click is older than the click window
      (not credited; named with its shell and send);
    * unmapped: otherwise, SMS-tagged orders whose campaign names no shell.
   A send about the same order never gets the credit; cancelled orders are never credited. Ties:
   the latest sent_at, then the greatest send_id.
   orders: a relation with int_orders' columns; sends: one with fct_sends' columns; some_orders:
   true when `orders` is a part of all orders (then only the sends to their phones are read). #}
{% macro lr_order_credits(orders, sends, click_window_hours, view_window_hours, some_orders=false) -%}
{#- the latest qualifying send of an order: the greatest (sent_at, send_id) -#}
{%- set latest_send = lr_max_struct(
    ['s.sent_at', 's.send_id', 's.sender_code_id', 's.phone_list_id', 's.transactional_message_id'],
    ['sent_at', 'send_id', 'sender_code_id', 'phone_list_id', 'transactional_message_id']) -%}
WITH credit_orders AS (
    SELECT
        order_id,
        ordered_at,
        phone_number,
        campaign_shell_key,
        is_sms_tagged,
        visited_at
    FROM {{ orders }}
    WHERE status <> 'cancelled'
),

accepted AS (
    SELECT
        send_id,
        sent_at,
        sender_code_id,
        phone_list_id,
        transactional_message_id,
        phone_number,
        order_id AS about_order_id
    FROM {{ sends }}
    WHERE
        accepted
        {% if some_orders -%}
        AND phone_number IN (SELECT co.phone_number FROM credit_orders AS co)
        {%- endif %}
),

-- The shells an order's campaign names; the first by id stands in when no send of them qualifies.
campaign_shells AS (
    SELECT
        o.order_id,
        o.phone_number,
        o.ordered_at,
        o.visited_at,
        m.sender_code_id,
        m.phone_list_id,
        m.transactional_message_id
    FROM credit_orders AS o
    INNER JOIN {{ ref('int_messages') }} AS m ON o.campaign_shell_key = m.name_key
),

link_orders AS (
    SELECT
        order_id,
        min(ordered_at) AS ordered_at,
        min(visited_at) AS visited_at,
        {{ lr_min_struct(['sender_code_id', 'phone_list_id', 'transactional_message_id']) }} AS shell
    FROM campaign_shells
    GROUP BY order_id
),

-- The latest send of the shell before the click and the order: the greatest (sent_at, send_id).
link_sends AS (
    SELECT
        cs.order_id,
        {{ latest_send }} AS latest
    FROM campaign_shells AS cs
    INNER JOIN accepted AS s
        ON
            cs.sender_code_id = s.sender_code_id
            AND cs.phone_list_id = s.phone_list_id
            AND cs.transactional_message_id = s.transactional_message_id
            AND cs.phone_number = s.phone_number
            AND s.sent_at <= cs.ordered_at
            AND (cs.visited_at IS NULL OR s.sent_at <= cs.visited_at)
            AND s.about_order_id IS DISTINCT FROM cs.order_id
    GROUP BY cs.order_id
),

-- Each link order with its send and click; within the window when ordered_at < click + window,
-- or when nothing dates the click.
link_clicks AS (
    SELECT
        lo.order_id,
        lo.shell,
        ls.latest,
        coalesce(
            lo.ordered_at < {{ lr_add_hours('coalesce(lo.visited_at, ls.latest.sent_at)', click_window_hours) }},
            TRUE
        ) AS within_window
    FROM link_orders AS lo
    LEFT JOIN link_sends AS ls ON lo.order_id = ls.order_id
),

post_sends AS (
    SELECT
        o.order_id,
        {{ latest_send }} AS latest
    FROM credit_orders AS o
    INNER JOIN accepted AS s
        ON
            o.phone_number = s.phone_number
            AND s.sent_at <= o.ordered_at
            AND o.ordered_at < {{ lr_add_hours('s.sent_at', view_window_hours) }}
            AND s.about_order_id IS DISTINCT FROM o.order_id
    WHERE NOT EXISTS (SELECT 1 FROM link_clicks AS lc WHERE lc.order_id = o.order_id AND lc.within_window)
    GROUP BY o.order_id
),

credits AS (
    SELECT
        lc.order_id,
        CASE WHEN lc.within_window THEN 'link' ELSE 'outside_click_window' END AS rule,
        lc.latest.send_id AS send_id,
        coalesce(lc.latest.sender_code_id, lc.shell.sender_code_id) AS sender_code_id,
        coalesce(lc.latest.phone_list_id, lc.shell.phone_list_id) AS phone_list_id,
        coalesce(lc.latest.transactional_message_id, lc.shell.transactional_message_id)
            AS transactional_message_id,
        lc.latest.sent_at AS sent_at
    FROM link_clicks AS lc
    WHERE lc.within_window OR NOT EXISTS (SELECT 1 FROM post_sends AS ps WHERE ps.order_id = lc.order_id)
    UNION ALL
    SELECT
        order_id,
        'post_send' AS rule,
        latest.send_id AS send_id,
        latest.sender_code_id AS sender_code_id,
        latest.phone_list_id AS phone_list_id,
        latest.transactional_message_id AS transactional_message_id,
        latest.sent_at AS sent_at
    FROM post_sends
),

named_credits AS (
    SELECT
        c.order_id,
        c.rule,
        c.send_id,
        c.sender_code_id,
        c.phone_list_id,
        c.transactional_message_id,
        m.message_name,
        m.message_type,
        c.sent_at
    FROM credits AS c
    LEFT JOIN {{ ref('int_messages') }} AS m
        ON
            c.sender_code_id = m.sender_code_id
            AND c.phone_list_id = m.phone_list_id
            AND c.transactional_message_id = m.transactional_message_id
)

SELECT * FROM named_credits
UNION ALL
SELECT
    o.order_id,
    'unmapped' AS rule,
    CAST(NULL AS {{ dbt.type_string() }}) AS send_id,
    CAST(NULL AS INTEGER) AS sender_code_id,
    CAST(NULL AS INTEGER) AS phone_list_id,
    CAST(NULL AS INTEGER) AS transactional_message_id,
    CAST(NULL AS {{ dbt.type_string() }}) AS message_name,
    CAST(NULL AS {{ dbt.type_string() }}) AS message_type,
    CAST(NULL AS {{ lr_type_instant() }}) AS sent_at
FROM credit_orders AS o
WHERE o.is_sms_tagged AND NOT EXISTS (SELECT 1 FROM credits AS c WHERE c.order_id = o.order_id)
{%- endmacro %}
