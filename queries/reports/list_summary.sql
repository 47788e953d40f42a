-- Per list: subscribers before the period and at its end, new subscriptions, unsubscribes and net change
-- within it. Grain: list. Params: $start, $end, $sender_code_id.
SELECT
    coalesce(phone_list_name, 'list ' || phone_list_id::VARCHAR) AS list_name,
    phone_list_id,
    coalesce(arg_max(subscribers, day) FILTER (WHERE day < $start), 0) AS subscribers_before,
    arg_max(subscribers, day) AS subscribers_at_end,
    coalesce(sum(new_subscriptions) FILTER (WHERE day >= $start), 0) AS new_subscriptions,
    coalesce(sum(unsubscribes) FILTER (WHERE day >= $start), 0) AS unsubscribes,
    coalesce(sum(net_change) FILTER (WHERE day >= $start), 0) AS net_change
FROM marts.agg_list_health_daily
WHERE day <= $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
GROUP BY ALL
HAVING count(*) FILTER (WHERE day >= $start) > 0 OR arg_max(subscribers, day) > 0
ORDER BY subscribers_at_end DESC, list_name
