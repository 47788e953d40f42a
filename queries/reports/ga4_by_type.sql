-- Clicks from SMS links per message type over the period, as GA4 counts them: accepted sends, GA4
-- sessions, click-through, GA4 purchases, conversion, GA4-attributed revenue and average order
-- value: the registry's accepted, sessions, click_through_rate, conversion_rate, ga4_revenue and
-- average_order_value (queries/models/marts/_metrics.yml) per type, equal to `lrreport metrics --by
-- message_type`; GA4 columns NULL where GA4 was not read. GA4 knows no sender code: its columns are
-- every sender code's. Grain: message type. Params: $start, $end, $sender_code_id.
WITH ga4 AS (
    SELECT
        message_type,
        sum(sessions)::BIGINT AS sessions,
        sum(transactions)::BIGINT AS ga4_transactions,
        sum(purchase_revenue)::DOUBLE AS ga4_revenue
    FROM marts.agg_ga4_sessions_daily
    WHERE day BETWEEN $start AND $end
    GROUP BY ALL
),

sends AS (
    SELECT
        message_type,
        sum(accepted)::BIGINT AS accepted_sends
    FROM marts.agg_sends_daily
    WHERE day BETWEEN $start AND $end
      AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
    GROUP BY ALL
)

SELECT
    coalesce(s.message_type, g.message_type) AS message_type,
    coalesce(s.accepted_sends, 0) AS accepted_sends,
    g.sessions,
    g.sessions::DOUBLE / nullif(coalesce(s.accepted_sends, 0), 0) AS click_through_rate,
    g.ga4_transactions,
    g.ga4_transactions::DOUBLE / nullif(g.sessions, 0) AS conversion_rate,
    g.ga4_revenue,
    g.ga4_revenue / nullif(g.ga4_transactions, 0) AS average_order_value
FROM sends AS s
FULL OUTER JOIN ga4 AS g ON s.message_type = g.message_type
ORDER BY g.sessions DESC NULLS LAST, message_type
