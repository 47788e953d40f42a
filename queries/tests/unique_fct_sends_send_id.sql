-- fct_sends has exactly one row per send_id and no NULL key: every attempt counted once.
SELECT send_id, count(*) AS rows
FROM marts.fct_sends
GROUP BY send_id
HAVING send_id IS NULL OR count(*) > 1
