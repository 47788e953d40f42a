-- Opt-outs within the opt-out window credited to the message type of the accepted send they
-- followed, with the accepted sends of that type: the registry's optouts_24h, accepted and
-- optout_rate (queries/models/marts/_metrics.yml) per message type. Both are dated by the send's
-- day, as `lrreport metrics --by message_type` dates them (tests/models/test_metrics_consistency.py
-- holds the two equal). Grain: message type. Params: $start, $end, $sender_code_id.
WITH optouts AS (
    SELECT message_type, count(*) AS optouts
    FROM marts.fct_optouts
    WHERE credited_send_id IS NOT NULL
      AND sent_date BETWEEN $start AND $end
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
    coalesce(o.optouts, 0)::DOUBLE / nullif(s.accepted_sends, 0) AS optout_rate
FROM optouts AS o
FULL JOIN sends AS s ON s.message_type IS NOT DISTINCT FROM o.message_type
WHERE coalesce(o.optouts, 0) > 0 OR coalesce(s.accepted_sends, 0) > 0
ORDER BY optout_rate DESC NULLS LAST, message_type
