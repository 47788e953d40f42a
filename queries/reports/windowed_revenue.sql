-- Link / post-send orders and revenue, and orders outside the click window, of attribution rows computed under another window (the
-- DataFrame `windowed`, registered by the caller), within the period. Grain: rule.
-- Params: $start, $end (order dates), $sender_code_id.
SELECT
    rule,
    count(*) AS orders,
    coalesce(sum(net_revenue), 0)::DOUBLE AS net_revenue
FROM windowed
WHERE order_date BETWEEN $start AND $end
  AND rule IN ('link', 'post_send', 'outside_click_window')
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
GROUP BY rule
