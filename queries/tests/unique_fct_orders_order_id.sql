-- fct_orders has one row per order_id and no NULL key.
SELECT order_id, count(*) AS rows
FROM marts.fct_orders
GROUP BY order_id
HAVING order_id IS NULL OR count(*) > 1
