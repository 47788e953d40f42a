-- Grain: one row per GA4 property, day, campaign and content with SMS-link sessions.
-- Key: (property_id, report_date, campaign, content).
-- Purpose: GA4's sessions from SMS links as extracted; report_date is the property's day.
SELECT
    property_id,
    report_date,
    campaign,
    content,
    sessions,
    total_users,
    engaged_sessions,
    transactions,
    purchase_revenue,
    currency,
    property_time_zone,
    _load_id
FROM {{ source('raw', 'ga4_sessions') }}
