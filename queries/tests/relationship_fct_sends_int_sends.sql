-- fct_sends and the narrow intermediate.int_sends that attribution and timeliness use describe the
-- same attempts the same way (both derive the order id and acceptance from the same rules).
SELECT coalesce(f.send_id, i.send_id) AS send_id, f.order_id AS fct_order_id, i.order_id AS int_order_id,
    f.accepted AS fct_accepted, i.accepted AS int_accepted
FROM marts.fct_sends AS f
FULL OUTER JOIN intermediate.int_sends AS i ON i.send_id = f.send_id
WHERE f.send_id IS NULL OR i.send_id IS NULL
    OR f.order_id IS DISTINCT FROM i.order_id
    OR f.accepted IS DISTINCT FROM i.accepted
    OR f.message_type IS DISTINCT FROM i.message_type
    OR f.phone_number IS DISTINCT FROM i.phone_number
    OR f.sent_at <> i.sent_at
