-- Grain: one row per order and triggered message type, for orders whose trigger column is set
-- (settings.messages.triggers: Order Confirmation <- ordered_at, Shipping Confirmation <-
-- shipped_at, Delivery Confirmation <- delivered_at by default). Cancelled orders included.
-- Key: (order_id, message_type).
-- Purpose: timeliness and coverage: the first accepted send of that type about the order (its
-- order_id; earliest sent_at, then smallest send_id), the delay from the trigger in seconds, and
-- whether the order got the message at all. Orders with a phone and got_message = false are the
-- ones that were missed (marts.missing_order_messages).
WITH triggers AS (
    SELECT macros.name_key(message_type) AS type_key, min(message_type) AS message_type,
        min(trigger_column) AS trigger_column
    FROM settings.triggers
    GROUP BY 1
),
order_triggers AS (
    SELECT
        o.order_id,
        t.message_type,
        t.type_key,
        t.trigger_column,
        CASE t.trigger_column
            WHEN 'ordered_at' THEN o.ordered_at
            WHEN 'shipped_at' THEN o.shipped_at
            WHEN 'delivered_at' THEN o.delivered_at
        END AS trigger_at,
        o.has_phone,
        o.status AS order_status
    FROM intermediate.int_orders AS o
    CROSS JOIN triggers AS t
),
-- The message types that have a trigger, keyed once per type instead of once per send (every
-- int_sends.message_type comes from int_messages); sends of other types can never match.
triggered_types AS (
    SELECT DISTINCT m.message_type, t.type_key
    FROM intermediate.int_messages AS m
    JOIN triggers AS t ON t.type_key = macros.name_key(m.message_type)
),
first_sends AS (
    SELECT
        s.order_id,
        tt.type_key,
        arg_min(
            {'send_id': s.send_id, 'sent_at': s.sent_at, 'sender_code_id': s.sender_code_id},
            (s.sent_at, s.send_id)
        ) AS first
    FROM intermediate.int_sends AS s
    JOIN triggered_types AS tt ON tt.message_type = s.message_type
    WHERE s.accepted AND s.order_id IS NOT NULL
    GROUP BY ALL
)
SELECT
    ot.order_id,
    ot.message_type,
    ot.trigger_column,
    ot.trigger_at,
    CAST(timezone(getvariable('lr_timezone'), ot.trigger_at) AS DATE) AS trigger_date,
    ot.has_phone,
    ot.order_status,
    fs.first.send_id AS first_send_id,
    fs.first.sent_at AS first_sent_at,
    fs.first.sender_code_id AS sender_code_id,
    epoch(fs.first.sent_at) - epoch(ot.trigger_at) AS delay_s,
    fs.first IS NOT NULL AS got_message
FROM order_triggers AS ot
LEFT JOIN first_sends AS fs ON fs.order_id = ot.order_id AND fs.type_key = ot.type_key
WHERE ot.trigger_at IS NOT NULL
