-- New subscriptions and unsubscribes summed over the lists, per day or per week (Monday to Sunday),
-- the grain the subscribe dates have: Listrak's contacts route gives no subscribe date, so a contact
-- is dated by the start of the subscribe window it was found in ([extract] subscribe_window), and a
-- weekly window dates every contact on a Monday. A week belongs to the period when its Monday does
-- (as its subscriptions do); its unsubscribes count up to $end. Grain: $grain ('day' or 'week').
-- Params: $start, $end, $sender_code_id, $grain.
SELECT
    date_trunc($grain, day)::DATE AS day,
    sum(new_subscriptions)::BIGINT AS new_subscriptions,
    sum(unsubscribes)::BIGINT AS unsubscribes
FROM marts.agg_list_health_daily
WHERE date_trunc($grain, day) >= $start
  AND day <= $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
GROUP BY ALL
ORDER BY day
