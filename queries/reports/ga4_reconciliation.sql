-- lrreport's link-attributed orders against GA4's purchases from the same messages' links, per
-- message type over the period (marts.agg_ga4_reconciliation_daily summed), with the days that
-- differ and their likeliest cause (the most frequent one among those days). Only days GA4 was read
-- for. Grain: message type. Params: $start, $end.
WITH days AS (
    SELECT *
    FROM marts.agg_ga4_reconciliation_daily
    WHERE day BETWEEN $start AND $end
),

causes AS (
    SELECT
        message_type,
        likely_cause,
        count(*) AS n_days,
        row_number() OVER (PARTITION BY message_type ORDER BY count(*) DESC, likely_cause) AS pick
    FROM days
    WHERE likely_cause <> 'agree'
    GROUP BY message_type, likely_cause
)

SELECT
    d.message_type,
    sum(d.link_orders)::BIGINT AS link_orders,
    sum(d.ga4_transactions)::BIGINT AS ga4_transactions,
    sum(d.order_difference)::BIGINT AS order_difference,
    sum(d.link_order_total)::DOUBLE AS link_order_total,
    sum(d.ga4_revenue)::DOUBLE AS ga4_revenue,
    sum(d.revenue_difference)::DOUBLE AS revenue_difference,
    count(*) FILTER (WHERE d.likely_cause <> 'agree') AS days_differing,
    count(*) AS days,
    coalesce(min(c.likely_cause), 'agree') AS likely_cause
FROM days AS d
LEFT JOIN causes AS c ON d.message_type = c.message_type AND c.pick = 1
GROUP BY d.message_type
ORDER BY abs(sum(d.order_difference)) DESC, d.message_type
