-- Replace the days of lr_range (one row: property_id, start_date, end_date) with lr_batch: what GA4
-- says about those days now, revisions included. Runs inside the extraction's transaction.
DELETE FROM raw.ga4_sessions AS t
USING lr_range AS r
WHERE t.property_id = r.property_id AND t.report_date BETWEEN r.start_date AND r.end_date;

INSERT INTO raw.ga4_sessions
SELECT property_id, report_date, campaign, content, sessions, total_users, engaged_sessions,
       transactions, CAST(purchase_revenue AS DECIMAL(18, 2)), currency, property_time_zone,
       _load_id, _loaded_at, _source_file
FROM lr_batch;

DELETE FROM raw.ga4_days AS t
USING lr_range AS r
WHERE t.property_id = r.property_id AND t.report_date BETWEEN r.start_date AND r.end_date;

INSERT INTO raw.ga4_days
SELECT r.property_id, CAST(d.day AS DATE), r._load_id, r._loaded_at
FROM lr_range AS r,
    range(CAST(r.start_date AS TIMESTAMP), CAST(r.end_date AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS d (day);
