-- Orders with a phone number whose trigger fell in the period but that never got the message though
-- it was due before the send log ends (the coverage gap, marts.missing_order_messages), newest
-- first. Grain: order x message type. Params: $start, $end (trigger dates), $message_type (NULL:
-- all), $limit.
SELECT
    m.order_id,
    m.message_type,
    m.trigger_at,
    m.order_status,
    o.phone_number
FROM marts.missing_order_messages AS m
LEFT JOIN marts.fct_orders AS o ON o.order_id = m.order_id
WHERE m.trigger_date BETWEEN $start AND $end
  AND ($message_type IS NULL OR m.message_type = $message_type)
ORDER BY m.trigger_at DESC, m.order_id
LIMIT $limit
