-- Failed attempts per day and error code, for errors over time.
-- Grain: day x error code. Params: $start, $end, $sender_code_id, $message_type (or NULL: all).
SELECT
    day,
    coalesce(error_code, 'HTTP ' || http_status::VARCHAR) AS error_code,
    sum(attempts)::BIGINT AS attempts
FROM marts.agg_errors_daily
WHERE day BETWEEN $start AND $end
  AND http_status <> 201
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
GROUP BY ALL
ORDER BY day, error_code
