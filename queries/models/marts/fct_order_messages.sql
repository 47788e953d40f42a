-- Grain: one row per order and triggered message type (intermediate.int_order_messages).
-- Key: (order_id, message_type).
-- Purpose: timeliness and coverage, and whether each message was due: an order got it, or its
-- trigger came at or before the send log ends (marts.source_freshness). A trigger after that is
-- beyond what the send log can tell: neither covered nor missed. Orders with a phone, due and
-- got_message = false are the ones that were missed (marts.missing_order_messages).
{{ config(materialized=lr_view()) }}
WITH send_log AS (
    SELECT data_until
    FROM {{ ref('source_freshness') }}
    WHERE source = 'send_log'
)

SELECT
    m.order_id,
    m.message_type,
    m.trigger_column,
    m.trigger_at,
    m.trigger_date,
    m.has_phone,
    m.order_status,
    m.first_send_id,
    m.first_sent_at,
    m.sender_code_id,
    m.delay_s,
    m.got_message,
    coalesce(m.got_message OR m.trigger_at <= l.data_until, FALSE) AS is_due,
    m._build_id
FROM {{ ref('int_order_messages') }} AS m
CROSS JOIN send_log AS l
