-- List health adds up: one row per list and day, net change = new - unsubscribes, and the
-- running subscriber count equals the sum of net changes so far.
SELECT day, sender_code_id, phone_list_id, new_subscriptions, unsubscribes, net_change, subscribers
FROM (
    SELECT
        *,
        sum(net_change) OVER (PARTITION BY sender_code_id, phone_list_id ORDER BY day) AS expected,
        count(*) OVER (PARTITION BY sender_code_id, phone_list_id, day) AS rows
    FROM {{ ref('agg_list_health_daily') }}
)
WHERE net_change <> new_subscriptions - unsubscribes OR subscribers <> expected OR rows > 1
    OR new_subscriptions < 0 OR unsubscribes < 0
