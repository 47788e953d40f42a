-- Daily attempts and accepted sends of one message type / shell. Grain: day x message type.
-- Params: $start, $end, $sender_code_id, $message_type, $message_name (NULL: all).
SELECT
    sent_date AS day,
    message_type,
    count(*) AS attempts,
    count(*) FILTER (WHERE accepted) AS accepted
FROM marts.fct_sends
WHERE sent_date BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
  AND ($message_name IS NULL OR message_name = $message_name)
GROUP BY ALL
ORDER BY day, message_type
