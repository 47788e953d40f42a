-- Opt-outs per day and reason (all opt-outs, credited to a message or not).
-- Grain: day x reason. Params: $start, $end, $sender_code_id.
SELECT
    day,
    coalesce(reason, '(none)') AS reason,
    sum(optouts)::BIGINT AS optouts
FROM marts.agg_optouts_daily
WHERE day BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
GROUP BY ALL
ORDER BY day, reason
