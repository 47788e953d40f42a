-- At most one attribution row per order: revenue is never counted twice.
SELECT order_id, count(*) AS rows
FROM marts.fct_order_attribution
GROUP BY order_id
HAVING order_id IS NULL OR count(*) > 1
