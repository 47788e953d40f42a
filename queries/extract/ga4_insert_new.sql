-- Add the rows of lr_batch not stored yet (after ga4_delete_changed, a stored key is an identical
-- row). Returns the number of rows inserted: the new or revised rows of this run.
INSERT INTO raw.ga4_sessions
SELECT
    b.property_id, b.report_date, b.campaign, b.content, b.sessions, b.total_users,
    b.engaged_sessions, b.transactions, b.purchase_revenue, b.currency, b.property_time_zone,
    b._load_id, b._loaded_at, b._source_file
FROM lr_batch AS b
WHERE NOT EXISTS (
    SELECT 1
    FROM raw.ga4_sessions AS t
    WHERE
        t.property_id = b.property_id
        AND t.report_date = b.report_date
        AND t.campaign = b.campaign
        AND t.content = b.content
);
