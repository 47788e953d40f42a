-- Record every day of lr_range as covered by GA4 (days already recorded keep their first load).
INSERT INTO raw.ga4_days
SELECT r.property_id, CAST(d.day AS DATE), r._load_id, r._loaded_at
FROM lr_range AS r,
    range(
        CAST(r.start_date AS TIMESTAMP), CAST(r.end_date AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY
    ) AS d (day)
WHERE NOT EXISTS (
    SELECT 1 FROM raw.ga4_days AS t
    WHERE t.property_id = r.property_id AND t.report_date = CAST(d.day AS DATE)
);
