-- Attributed orders and net revenue of a message type / shell by rule (link, post_send) over the period.
-- Grain: rule. Params: $start, $end (order dates), $sender_code_id, $message_type, $message_name.
SELECT
    rule,
    count(*) AS orders,
    sum(net_revenue)::DOUBLE AS net_revenue
FROM marts.fct_order_attribution
WHERE rule IN ('link', 'post_send')
  AND order_date BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
  AND ($message_name IS NULL OR message_name = $message_name)
GROUP BY rule
ORDER BY rule
