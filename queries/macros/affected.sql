{# The keys an incremental model recomputes: what its new raw rows (lr_is_new) can change.
   The pre-hook deletes them and the model inserts them again, so the result is the same as a
   full rebuild. Each rule follows from what the model's values depend on. The few new rows come
   first, as a CTE, so that the join to the whole history is planned from their side. #}

{# Sends: new sends, plus every send to a phone (on a sender code) whose opt-out credit can move:
   the phones with a new opt-out, and the phones with a new send that have opted out before
   (a late send can take the credit from an earlier one). One row per affected send and way it
   is affected (a send can appear twice), with its send_id and sent_at. #}
{% macro lr_affected_send_rows() -%}
    WITH new_sends AS (
        SELECT n.send_id, n.sent_at, n.sender_code_id, n.phone_number
        FROM {{ ref('stg_sends') }} AS n
        WHERE {{ lr_is_new('n._load_id') }}
    ),

    moved_credit AS (
        SELECT o.sender_code_id, o.phone_number
        FROM {{ ref('stg_optouts') }} AS o
        WHERE {{ lr_is_new('o._load_id') }}
        UNION
        SELECT o.sender_code_id, o.phone_number
        FROM {{ ref('stg_optouts') }} AS o
        INNER JOIN new_sends AS n
            ON o.sender_code_id = n.sender_code_id AND o.phone_number = n.phone_number
    )

    SELECT new_sends.send_id, new_sends.sent_at FROM new_sends
    UNION ALL
    SELECT s.send_id, s.sent_at
    FROM moved_credit AS p
    INNER JOIN {{ ref('stg_sends') }} AS s
        ON p.sender_code_id = s.sender_code_id AND p.phone_number = s.phone_number
{%- endmacro %}

{% macro lr_affected_sends() -%}
    SELECT a.send_id FROM ({{ lr_affected_send_rows() }}) AS a
{%- endmacro %}

{# Business days of the affected sends, from the same rows (sends never change day: a new time
   zone is a new fingerprint, which makes every send new). Reading sent_at beside the key, not
   looking the keys up again in the whole send log, is what keeps an increment's aggregates cheap. #}
{% macro lr_affected_send_days() -%}
    SELECT DISTINCT {{ lr_local_date('a.sent_at') }} FROM ({{ lr_affected_send_rows() }}) AS a
{%- endmacro %}

{# Orders whose timeliness can change: new or changed orders, and the orders a new send is about. #}
{% macro lr_affected_order_messages() -%}
    SELECT o.order_id
    FROM {{ ref('stg_orders') }} AS o
    WHERE {{ lr_is_new('o._load_id') }}
    UNION
    SELECT n.order_id
    FROM {{ ref('stg_sends') }} AS n
    WHERE {{ lr_is_new('n._load_id') }} AND n.order_id IS NOT NULL
{%- endmacro %}

{# Orders whose attribution can change: new or changed orders, and the orders placed by a phone
   within the longest credit window after a new accepted send to it, or at any time after it for
   an SMS-tagged order (the latest send of its shell, however old, decides whether its click lies
   outside the click window). #}
{% macro lr_affected_order_credits() -%}
    WITH new_accepted AS (
        SELECT n.phone_number, n.sent_at
        FROM {{ ref('stg_sends') }} AS n
        WHERE n.accepted AND {{ lr_is_new('n._load_id') }}
    )

    SELECT o.order_id
    FROM {{ ref('stg_orders') }} AS o
    WHERE {{ lr_is_new('o._load_id') }}
    UNION
    SELECT o.order_id
    FROM new_accepted AS s
    INNER JOIN {{ ref('int_orders') }} AS o
        ON
            s.phone_number = o.phone_number
            AND s.sent_at <= o.ordered_at
            AND (o.is_sms_tagged OR o.ordered_at < {{ lr_add_hours('s.sent_at', lr_max_credit_hours()) }})
{%- endmacro %}
