-- Orders credited to a message type / shell, newest first, with the send they were credited to.
-- Grain: order. Params: $start, $end (order dates), $sender_code_id, $message_type, $message_name, $limit.
SELECT
    order_id,
    ordered_at,
    status,
    phone_number,
    net_revenue,
    currency,
    rule,
    message_name,
    sent_at
FROM marts.fct_order_attribution
WHERE rule IN ('link', 'post_send')
  AND order_date BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
  AND ($message_name IS NULL OR message_name = $message_name)
ORDER BY ordered_at DESC, order_id
LIMIT $limit
