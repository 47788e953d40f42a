-- Remove the stored rows of the days in lr_range (one row: property_id, start_date, end_date) that
-- the new answer (lr_batch) does not hold exactly so: revised or gone. Identical rows stay as they
-- are, so a rerun that GA4 did not revise changes nothing. Returns the number of rows removed.
DELETE FROM raw.ga4_sessions AS t
USING lr_range AS r
WHERE
    t.property_id = r.property_id
    AND t.report_date BETWEEN r.start_date AND r.end_date
    AND NOT EXISTS (
        SELECT 1
        FROM lr_batch AS b
        WHERE
            b.property_id = t.property_id
            AND b.report_date = t.report_date
            AND b.campaign = t.campaign
            AND b.content = t.content
            AND b.sessions = t.sessions
            AND b.total_users = t.total_users
            AND b.engaged_sessions = t.engaged_sessions
            AND b.transactions = t.transactions
            AND b.purchase_revenue = t.purchase_revenue
            AND b.currency = t.currency
            AND b.property_time_zone = t.property_time_zone
    );
