-- Send attempts and accepted sends by weekday (1 = Monday) and hour of day, business time zone.
-- Grain: weekday x hour. Params: $start, $end, $sender_code_id, $message_type, $message_name (NULL: all).
SELECT
    sent_isodow,
    sent_hour,
    count(*) AS sends,
    count(*) FILTER (WHERE accepted) AS accepted
FROM marts.fct_sends
WHERE sent_date BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
  AND ($message_name IS NULL OR message_name = $message_name)
GROUP BY ALL
ORDER BY sent_isodow, sent_hour
