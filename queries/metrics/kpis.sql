-- The KPI table of `lrreport metrics` / lrreport.warehouse.metrics.kpis(): one row per group plus
-- a 'total' row computed from the detail (distinct recipients, percentiles and rates are not
-- summed from the groups).
-- Parameters: $start, $end (DATE, inclusive, business time zone); $by ('message_type', 'day',
-- 'sender_code' or NULL for the total alone); $sender_code_id (INTEGER or NULL for all).
-- Dating: sends by sent date; link / post-send revenue by order date; opt-outs within the window
-- by the date of the send they are credited to (so optout_rate is per accepted send of the same
-- days); latency and coverage by trigger date. Coverage per sender code is the share of all
-- orders with a phone whose first message came from that sender code.
WITH sends AS (
    SELECT
        CASE $by
            WHEN 'message_type' THEN message_type
            WHEN 'day' THEN CAST(sent_date AS VARCHAR)
            WHEN 'sender_code' THEN CAST(sender_code_id AS VARCHAR)
        END AS grp,
        accepted,
        phone_number,
        segments,
        encoding
    FROM marts.fct_sends
    WHERE sent_date BETWEEN $start AND $end
        AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
),
send_kpis AS (
    SELECT
        grouping(grp) = 1 AS is_total,
        grp,
        count(*) AS attempts,
        count(*) FILTER (WHERE accepted) AS accepted,
        count(DISTINCT phone_number) FILTER (WHERE accepted) AS unique_recipients,
        CAST(coalesce(sum(segments) FILTER (WHERE accepted), 0) AS BIGINT) AS segments,
        count(*) FILTER (WHERE accepted AND segments > 1) AS multi_segment_sends,
        count(*) FILTER (WHERE accepted AND encoding = 'UCS-2') AS ucs2_sends
    FROM sends
    GROUP BY GROUPING SETS ((grp), ())
),
attributed AS (
    SELECT
        CASE $by
            WHEN 'message_type' THEN message_type
            WHEN 'day' THEN CAST(order_date AS VARCHAR)
            WHEN 'sender_code' THEN CAST(sender_code_id AS VARCHAR)
        END AS grp,
        rule,
        net_revenue
    FROM marts.fct_order_attribution
    WHERE order_date BETWEEN $start AND $end
        AND rule IN ('link', 'post_send')
        AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
),
revenue_kpis AS (
    SELECT
        grouping(grp) = 1 AS is_total,
        grp,
        count(*) FILTER (WHERE rule = 'link') AS link_orders,
        coalesce(sum(net_revenue) FILTER (WHERE rule = 'link'), 0) AS link_revenue,
        count(*) FILTER (WHERE rule = 'post_send') AS post_send_orders,
        coalesce(sum(net_revenue) FILTER (WHERE rule = 'post_send'), 0) AS post_send_revenue
    FROM attributed
    GROUP BY GROUPING SETS ((grp), ())
),
optouts AS (
    SELECT
        CASE $by
            WHEN 'message_type' THEN message_type
            WHEN 'day' THEN CAST(sent_date AS VARCHAR)
            WHEN 'sender_code' THEN CAST(sender_code_id AS VARCHAR)
        END AS grp
    FROM marts.fct_optouts
    WHERE credited_send_id IS NOT NULL
        AND sent_date BETWEEN $start AND $end
        AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
),
optout_kpis AS (
    SELECT grouping(grp) = 1 AS is_total, grp, count(*) AS optouts_24h
    FROM optouts
    GROUP BY GROUPING SETS ((grp), ())
),
timely AS (
    SELECT
        CASE $by
            WHEN 'message_type' THEN message_type
            WHEN 'day' THEN CAST(trigger_date AS VARCHAR)
            WHEN 'sender_code' THEN CAST(sender_code_id AS VARCHAR)
        END AS grp,
        has_phone,
        got_message AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id) AS got_it,
        delay_s
    FROM marts.fct_order_messages
    WHERE trigger_date BETWEEN $start AND $end
),
timely_kpis AS (
    SELECT
        grouping(grp) = 1 AS is_total,
        grp,
        quantile_cont(delay_s, 0.5) FILTER (WHERE got_it) AS latency_p50_s,
        quantile_cont(delay_s, 0.9) FILTER (WHERE got_it) AS latency_p90_s,
        count(*) FILTER (WHERE has_phone AND got_it) AS covered,
        count(*) FILTER (WHERE has_phone) AS with_phone
    FROM timely
    GROUP BY GROUPING SETS ((grp), ())
),
timely_total AS (
    SELECT with_phone FROM timely_kpis WHERE is_total
),
groups AS (
    SELECT is_total, grp FROM send_kpis
    UNION
    SELECT is_total, grp FROM revenue_kpis
    UNION
    SELECT is_total, grp FROM optout_kpis
    UNION
    SELECT is_total, grp FROM timely_kpis WHERE is_total OR grp IS NOT NULL
    UNION
    SELECT true, NULL
)
SELECT
    CASE WHEN g.is_total THEN 'total' ELSE coalesce(g.grp, '(none)') END AS "group",
    coalesce(s.attempts, 0) AS attempts,
    coalesce(s.accepted, 0) AS accepted,
    CAST(s.accepted AS DOUBLE) / nullif(s.attempts, 0) AS acceptance_rate,
    coalesce(s.unique_recipients, 0) AS unique_recipients,
    coalesce(s.segments, 0) AS segments,
    coalesce(s.multi_segment_sends, 0) AS multi_segment_sends,
    coalesce(s.ucs2_sends, 0) AS ucs2_sends,
    coalesce(r.link_orders, 0) AS link_orders,
    CAST(coalesce(r.link_revenue, 0) AS DOUBLE) AS link_revenue,
    coalesce(r.post_send_orders, 0) AS post_send_orders,
    CAST(coalesce(r.post_send_revenue, 0) AS DOUBLE) AS post_send_revenue,
    CAST(coalesce(r.link_revenue, 0) + coalesce(r.post_send_revenue, 0) AS DOUBLE) AS attributed_revenue,
    CAST(coalesce(r.link_revenue, 0) + coalesce(r.post_send_revenue, 0) AS DOUBLE) / nullif(s.accepted, 0)
        AS revenue_per_accepted_send,
    coalesce(o.optouts_24h, 0) AS optouts_24h,
    CAST(coalesce(o.optouts_24h, 0) AS DOUBLE) / nullif(s.accepted, 0) AS optout_rate,
    t.latency_p50_s,
    t.latency_p90_s,
    CAST(t.covered AS DOUBLE) / nullif(
        CASE WHEN $by = 'sender_code' AND NOT g.is_total THEN (SELECT with_phone FROM timely_total)
            ELSE t.with_phone END,
        0
    ) AS coverage
FROM groups AS g
LEFT JOIN send_kpis AS s ON s.is_total = g.is_total AND s.grp IS NOT DISTINCT FROM g.grp
LEFT JOIN revenue_kpis AS r ON r.is_total = g.is_total AND r.grp IS NOT DISTINCT FROM g.grp
LEFT JOIN optout_kpis AS o ON o.is_total = g.is_total AND o.grp IS NOT DISTINCT FROM g.grp
LEFT JOIN timely_kpis AS t ON t.is_total = g.is_total AND t.grp IS NOT DISTINCT FROM g.grp
WHERE g.is_total OR $by IS NOT NULL
ORDER BY g.is_total, g.grp
