-- Subscribers, new subscriptions, unsubscribes and net change per list per day.
-- Grain: day x list. Params: $start, $end, $sender_code_id.
SELECT
    day,
    sender_code_id,
    phone_list_id,
    coalesce(phone_list_name, 'list ' || phone_list_id::VARCHAR) AS list_name,
    new_subscriptions,
    unsubscribes,
    net_change,
    subscribers
FROM marts.agg_list_health_daily
WHERE day BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
ORDER BY day, list_name
