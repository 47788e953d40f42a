-- Opt-outs credited to the message type of the accepted send that preceded them within the opt-out
-- window, with the accepted sends of that type, for the opt-out rate per type.
-- Grain: message type. Params: $start, $end, $sender_code_id.
WITH optouts AS (
    SELECT message_type, sum(optouts) AS optouts
    FROM marts.agg_optouts_daily
    WHERE day BETWEEN $start AND $end
      AND message_type IS NOT NULL
      AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
    GROUP BY message_type
),
sends AS (
    SELECT message_type, sum(accepted) AS accepted_sends
    FROM marts.agg_sends_daily
    WHERE day BETWEEN $start AND $end
      AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
    GROUP BY message_type
)
SELECT
    coalesce(o.message_type, s.message_type) AS message_type,
    coalesce(o.optouts, 0)::BIGINT AS optouts,
    coalesce(s.accepted_sends, 0)::BIGINT AS accepted_sends,
    coalesce(o.optouts, 0) / nullif(s.accepted_sends, 0) AS optout_rate
FROM optouts AS o
FULL JOIN sends AS s USING (message_type)
WHERE coalesce(o.optouts, 0) > 0 OR coalesce(s.accepted_sends, 0) > 0
ORDER BY optout_rate DESC NULLS LAST, message_type
