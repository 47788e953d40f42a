-- Grain: one row per GA4 property and day an extraction covered.
-- Key: (property_id, report_date).
-- Purpose: the days on which GA4's numbers are known (zero sessions included).
SELECT
    property_id,
    report_date
FROM {{ source('raw', 'ga4_days') }}
