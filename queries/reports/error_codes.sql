-- Failed attempts per error code and message type over the period (HTTP status when Listrak gave no code).
-- Grain: error code x message type. Params: $start, $end, $sender_code_id, $message_type (or NULL: all).
SELECT
    coalesce(error_code, 'HTTP ' || http_status::VARCHAR) AS error_code,
    coalesce(message_type, '(unknown)') AS message_type,
    sum(attempts)::BIGINT AS attempts
FROM marts.agg_errors_daily
WHERE day BETWEEN $start AND $end
  AND http_status <> 201
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
GROUP BY ALL
ORDER BY attempts DESC, error_code
