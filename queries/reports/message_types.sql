-- Message types and shells known to the warehouse, with their attempts in the period (0 when none),
-- for the message notebook's choice and its "not found" message. Grain: message type x shell.
SELECT
    d.message_type,
    d.message_name,
    d.trigger_column,
    count(s.send_id) AS attempts
FROM marts.dim_messages AS d
LEFT JOIN marts.fct_sends AS s
  ON s.sender_code_id = d.sender_code_id
 AND s.phone_list_id = d.phone_list_id
 AND s.transactional_message_id = d.transactional_message_id
 AND s.sent_date BETWEEN $start AND $end
WHERE ($sender_code_id IS NULL OR d.sender_code_id = $sender_code_id)
GROUP BY ALL
ORDER BY attempts DESC, d.message_type, d.message_name
