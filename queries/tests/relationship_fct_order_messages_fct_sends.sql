-- The first send of an order message exists, was accepted, is about that order and of that type;
-- got_message is true exactly when there is one, and then there is a delay.
SELECT m.order_id, m.message_type, m.first_send_id, m.got_message, m.delay_s, s.accepted, s.order_id AS send_order
FROM marts.fct_order_messages AS m
LEFT JOIN marts.fct_sends AS s ON s.send_id = m.first_send_id
WHERE m.got_message IS DISTINCT FROM (m.first_send_id IS NOT NULL)
    OR (m.got_message AND (
        s.send_id IS NULL OR NOT s.accepted OR s.order_id <> m.order_id
        OR s.sent_at <> m.first_sent_at OR m.delay_s IS NULL
    ))
