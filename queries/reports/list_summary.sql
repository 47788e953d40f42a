-- Per list: its type (Transactional, Marketing, Test) and status (Active / Inactive) as Listrak gives
-- them, subscribers before the period and at its end, new subscriptions, unsubscribes and net change
-- within it. Grain: list. Params: $start, $end, $sender_code_id.
WITH lists AS (
    SELECT
        coalesce(h.phone_list_name, 'list ' || h.phone_list_id::VARCHAR) AS list_name,
        h.sender_code_id,
        h.phone_list_id,
        coalesce(arg_max(h.subscribers, h.day) FILTER (WHERE h.day < $start), 0) AS subscribers_before,
        arg_max(h.subscribers, h.day) AS subscribers_at_end,
        coalesce(sum(h.new_subscriptions) FILTER (WHERE h.day >= $start), 0) AS new_subscriptions,
        coalesce(sum(h.unsubscribes) FILTER (WHERE h.day >= $start), 0) AS unsubscribes,
        coalesce(sum(h.net_change) FILTER (WHERE h.day >= $start), 0) AS net_change
    FROM marts.agg_list_health_daily AS h
    WHERE h.day <= $end
      AND ($sender_code_id IS NULL OR h.sender_code_id = $sender_code_id)
    GROUP BY ALL
    HAVING count(*) FILTER (WHERE h.day >= $start) > 0 OR arg_max(h.subscribers, h.day) > 0
)

SELECT
    l.list_name,
    l.phone_list_id,
    p.sms_list_type AS list_type,
    p.status,
    l.subscribers_before,
    l.subscribers_at_end,
    l.new_subscriptions,
    l.unsubscribes,
    l.net_change
FROM lists AS l
LEFT JOIN staging.stg_phone_lists AS p
    ON p.sender_code_id = l.sender_code_id AND p.phone_list_id = l.phone_list_id
ORDER BY l.subscribers_at_end DESC, l.list_name
