-- Daily send attempts and accepted sends per message type, for the volume charts.
-- Grain: day x message type. Params: $start, $end (business dates, inclusive), $sender_code_id (or NULL).
SELECT
    day,
    coalesce(message_type, '(unknown)') AS message_type,
    sum(attempts)::BIGINT AS attempts,
    sum(accepted)::BIGINT AS accepted
FROM marts.agg_sends_daily
WHERE day BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
GROUP BY ALL
ORDER BY day, message_type
