-- fct_order_messages has one row per order and triggered message type.
SELECT order_id, message_type, count(*) AS rows
FROM marts.fct_order_messages
GROUP BY ALL
HAVING order_id IS NULL OR message_type IS NULL OR count(*) > 1
