-- SMS-tagged orders whose utm_campaign names no message shell (fix with [attribution] campaign_map).
-- Grain: campaign. Params: $start, $end (order dates).
SELECT
    coalesce(utm_campaign, '(no campaign)') AS utm_campaign,
    count(*) AS orders,
    sum(net_revenue)::DOUBLE AS net_revenue,
    min(order_date) AS first_order,
    max(order_date) AS last_order
FROM marts.fct_order_attribution
WHERE rule = 'unmapped'
  AND order_date BETWEEN $start AND $end
GROUP BY ALL
ORDER BY orders DESC, utm_campaign
