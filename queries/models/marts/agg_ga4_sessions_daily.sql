-- Grain: one row per day a GA4 extraction covered and message type.
-- Key: (day, message_type).
-- Purpose: GA4's sessions from SMS links per message type and day, with their engaged sessions,
-- purchases and purchase revenue; zero on covered days without any, and no row at all on days GA4
-- was not read, so the metrics on top are NULL there rather than 0. Sessions whose campaign names
-- no message shell are left out (they are not transactional messages). Days are the GA4 property's
-- (set it to the business time zone).
WITH days AS (
    SELECT DISTINCT report_date AS day
    FROM {{ ref('stg_ga4_days') }}
),

types AS (
    SELECT DISTINCT message_type
    FROM {{ ref('int_messages') }}
),

sessions AS (
    SELECT
        report_date AS day,
        message_type,
        sum(sessions) AS sessions,
        sum(engaged_sessions) AS engaged_sessions,
        sum(transactions) AS transactions,
        sum(purchase_revenue) AS purchase_revenue
    FROM {{ ref('int_ga4_sessions') }}
    WHERE message_type IS NOT NULL
    GROUP BY report_date, message_type
)

SELECT
    d.day,
    t.message_type,
    CAST(coalesce(s.sessions, 0) AS BIGINT) AS sessions,
    CAST(coalesce(s.engaged_sessions, 0) AS BIGINT) AS engaged_sessions,
    CAST(coalesce(s.transactions, 0) AS BIGINT) AS transactions,
    CAST(coalesce(s.purchase_revenue, 0) AS DECIMAL(18, 2)) AS purchase_revenue
FROM days AS d
CROSS JOIN types AS t
LEFT JOIN sessions AS s ON d.day = s.day AND t.message_type = s.message_type
