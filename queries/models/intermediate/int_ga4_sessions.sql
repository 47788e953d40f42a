-- Grain: one row per GA4 property, day, campaign and content with SMS-link sessions.
-- Key: (property_id, report_date, campaign, content).
-- Purpose: GA4's SMS-link sessions with the message type their campaign names, by the rule orders'
-- UTM campaigns follow (lr_campaign_map, lr_campaign_shell_key, int_messages.name_key); NULL when
-- the campaign names no shell (a marketing text, an untagged link).
WITH campaign_map AS (
    {{ lr_campaign_map() }}
),

types AS (
    SELECT
        name_key,
        min(message_type) AS message_type
    FROM {{ ref('int_messages') }}
    GROUP BY 1
)

SELECT
    s.property_id,
    s.report_date,
    s.campaign,
    s.content,
    t.message_type,
    s.sessions,
    s.engaged_sessions,
    s.transactions,
    s.purchase_revenue
FROM {{ ref('stg_ga4_sessions') }} AS s
LEFT JOIN campaign_map AS cm ON {{ lr_name_key('s.campaign') }} = cm.campaign_key
LEFT JOIN types AS t ON {{ lr_campaign_shell_key('s.campaign') }} = t.name_key
