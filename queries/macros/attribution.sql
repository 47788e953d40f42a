{# The attribution rules, in one place (marts.fct_orders uses them with the configured windows,
   analyses/attribution_windows.sql with the windows a report asks for). One row per order of
   `orders` that is credited or unmapped:
    * link: the order's UTM source / medium are vars utm_source / utm_medium and its campaign names
      a shell (case and punctuation ignored, or var campaign_map); credited to the latest accepted
      send of that shell to the order's phone with sent_at <= ordered_at < sent_at + click window,
      else to the shell without a send;
    * post_send: otherwise, the latest accepted send of any shell to the order's phone with
      sent_at <= ordered_at < sent_at + view window;
    * unmapped: otherwise, SMS-tagged orders whose campaign names no shell.
   A send about the same order never gets the credit; cancelled orders are never credited. Ties:
   the latest sent_at, then the greatest send_id.
   orders: a relation with int_orders' columns; sends: one with fct_sends' columns. #}
{% macro lr_order_credits(orders, sends, click_window_hours, view_window_hours) -%}
WITH credit_orders AS (
    SELECT
        order_id,
        ordered_at,
        phone_number,
        campaign_shell_key,
        is_sms_tagged
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
        message_name,
        message_type,
        phone_number,
        order_id AS about_order_id
    FROM {{ sends }}
    WHERE
        accepted
        AND phone_number IN (SELECT co.phone_number FROM credit_orders AS co)
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
        m.message_type,
        row_number() OVER (
            PARTITION BY o.order_id ORDER BY m.sender_code_id, m.phone_list_id, m.transactional_message_id
        ) AS shell_rank
    FROM credit_orders AS o
    INNER JOIN {{ ref('int_messages') }} AS m ON o.campaign_shell_key = m.name_key
),

link_sends AS (
    SELECT
        cs.order_id,
        s.send_id,
        s.sent_at,
        s.sender_code_id,
        s.phone_list_id,
        s.transactional_message_id,
        s.message_name,
        s.message_type,
        row_number() OVER (PARTITION BY cs.order_id ORDER BY s.sent_at DESC, s.send_id DESC) AS send_rank
    FROM campaign_shells AS cs
    INNER JOIN accepted AS s
        ON
            cs.sender_code_id = s.sender_code_id
            AND cs.phone_list_id = s.phone_list_id
            AND cs.transactional_message_id = s.transactional_message_id
            AND cs.phone_number = s.phone_number
            AND s.sent_at <= cs.ordered_at
            AND cs.ordered_at < {{ lr_add_hours('s.sent_at', click_window_hours) }}
            AND s.about_order_id IS DISTINCT FROM cs.order_id
),

link_credits AS (
    SELECT
        cs.order_id,
        'link' AS rule,
        ls.send_id,
        coalesce(ls.sender_code_id, cs.sender_code_id) AS sender_code_id,
        coalesce(ls.phone_list_id, cs.phone_list_id) AS phone_list_id,
        coalesce(ls.transactional_message_id, cs.transactional_message_id) AS transactional_message_id,
        coalesce(ls.message_name, cs.message_name) AS message_name,
        coalesce(ls.message_type, cs.message_type) AS message_type,
        ls.sent_at
    FROM campaign_shells AS cs
    LEFT JOIN link_sends AS ls ON cs.order_id = ls.order_id AND ls.send_rank = 1
    WHERE cs.shell_rank = 1
),

post_sends AS (
    SELECT
        o.order_id,
        s.send_id,
        s.sent_at,
        s.sender_code_id,
        s.phone_list_id,
        s.transactional_message_id,
        s.message_name,
        s.message_type,
        row_number() OVER (PARTITION BY o.order_id ORDER BY s.sent_at DESC, s.send_id DESC) AS send_rank
    FROM credit_orders AS o
    INNER JOIN accepted AS s
        ON
            o.phone_number = s.phone_number
            AND s.sent_at <= o.ordered_at
            AND o.ordered_at < {{ lr_add_hours('s.sent_at', view_window_hours) }}
            AND s.about_order_id IS DISTINCT FROM o.order_id
    WHERE o.order_id NOT IN (SELECT lc.order_id FROM link_credits AS lc)
),

credits AS (
    SELECT * FROM link_credits
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
    WHERE send_rank = 1
)

SELECT * FROM credits
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
WHERE o.is_sms_tagged AND o.order_id NOT IN (SELECT c.order_id FROM credits AS c)
{%- endmacro %}
