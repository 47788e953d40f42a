{# The keys an incremental model recomputes: what its new raw rows (lr_is_new) can change.
   The pre-hook deletes them and the model inserts them again, so the result is the same as a
   full rebuild. Each rule follows from what the model's values depend on. #}

{# Sends: new sends, plus every send to a phone (on a sender code) whose opt-out credit can move:
   the phones with a new opt-out, and the phones with a new send that have opted out before
   (a late send can take the credit from an earlier one). #}
{% macro lr_affected_sends() -%}
    SELECT s.send_id
    FROM {{ ref('stg_sends') }} AS s
    WHERE {{ lr_is_new('s._load_id') }}
    UNION
    SELECT s.send_id
    FROM {{ ref('stg_sends') }} AS s
    INNER JOIN (
        SELECT o.sender_code_id, o.phone_number
        FROM {{ ref('stg_optouts') }} AS o
        WHERE {{ lr_is_new('o._load_id') }}
        UNION
        SELECT o.sender_code_id, o.phone_number
        FROM {{ ref('stg_optouts') }} AS o
        INNER JOIN {{ ref('stg_sends') }} AS n
            ON o.sender_code_id = n.sender_code_id AND o.phone_number = n.phone_number
        WHERE {{ lr_is_new('n._load_id') }}
    ) AS p ON s.sender_code_id = p.sender_code_id AND s.phone_number = p.phone_number
{%- endmacro %}

{# Business days of the affected sends (sends never change day: a new time zone is a new
   fingerprint, which makes every send new). #}
{% macro lr_affected_send_days() -%}
    SELECT DISTINCT {{ lr_local_date('s.sent_at') }}
    FROM {{ ref('stg_sends') }} AS s
    WHERE s.send_id IN ({{ lr_affected_sends() }})
{%- endmacro %}

{# Orders whose timeliness can change: new or changed orders, and the orders a new send is about. #}
{% macro lr_affected_order_messages() -%}
    SELECT o.order_id
    FROM {{ ref('stg_orders') }} AS o
    WHERE {{ lr_is_new('o._load_id') }}
    UNION
    SELECT s.order_id
    FROM {{ ref('stg_sends') }} AS s
    WHERE {{ lr_is_new('s._load_id') }} AND s.order_id IS NOT NULL
{%- endmacro %}

{# Orders whose attribution can change: new or changed orders, and the orders placed by a phone
   within the longest credit window after a new accepted send to it. #}
{% macro lr_affected_order_credits() -%}
    SELECT o.order_id
    FROM {{ ref('stg_orders') }} AS o
    WHERE {{ lr_is_new('o._load_id') }}
    UNION
    SELECT o.order_id
    FROM {{ ref('stg_orders') }} AS o
    INNER JOIN {{ ref('stg_sends') }} AS s
        ON
            o.phone_number = s.phone_number
            AND s.sent_at <= o.ordered_at
            AND o.ordered_at < {{ lr_add_hours('s.sent_at', lr_max_credit_hours()) }}
    WHERE s.accepted AND {{ lr_is_new('s._load_id') }}
{%- endmacro %}
