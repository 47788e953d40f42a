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
        m.sender_code_id,
        m.phone_list_id,
        m.transactional_message_id
    FROM credit_orders AS o
    INNER JOIN {{ ref('int_messages') }} AS m ON o.campaign_shell_key = m.name_key
),

link_orders AS (
    SELECT
        order_id,
        {{ lr_min_struct(['sender_code_id', 'phone_list_id', 'transactional_message_id']) }} AS shell
    FROM campaign_shells
    GROUP BY order_id
),

-- The latest qualifying send per order: the greatest (sent_at, send_id).
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
            AND cs.ordered_at < {{ lr_add_hours('s.sent_at', click_window_hours) }}
            AND s.about_order_id IS DISTINCT FROM cs.order_id
    GROUP BY cs.order_id
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
    WHERE o.order_id NOT IN (SELECT lo.order_id FROM link_orders AS lo)
    GROUP BY o.order_id
),

credits AS (
    SELECT
        lo.order_id,
        'link' AS rule,
        ls.latest.send_id AS send_id,
        coalesce(ls.latest.sender_code_id, lo.shell.sender_code_id) AS sender_code_id,
        coalesce(ls.latest.phone_list_id, lo.shell.phone_list_id) AS phone_list_id,
        coalesce(ls.latest.transactional_message_id, lo.shell.transactional_message_id) AS transactional_message_id,
        ls.latest.sent_at AS sent_at
    FROM link_orders AS lo
    LEFT JOIN link_sends AS ls ON lo.order_id = ls.order_id
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
WHERE o.is_sms_tagged AND o.order_id NOT IN (SELECT c.order_id FROM credits AS c)
{%- endmacro %}
