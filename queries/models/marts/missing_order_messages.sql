-- Grain: one row per order with a phone number and triggered message type it never got, though
-- it was due before the send log ends.
-- Key: (order_id, message_type).
-- Purpose: the list behind coverage below 100%: which orders missed which message.
{{ config(materialized=lr_view()) }}
SELECT
    order_id,
    message_type,
    trigger_column,
    trigger_at,
    trigger_date,
    order_status
FROM {{ ref('fct_order_messages') }}
WHERE has_phone AND NOT got_message AND is_due
