-- How many rows of the new GA4 batch (lr_batch) are not stored exactly so yet: what a rerun changes.
SELECT count(*)
FROM (
    SELECT property_id, report_date, campaign, content, sessions, total_users, engaged_sessions,
           transactions, CAST(purchase_revenue AS DECIMAL(18, 2)), currency, property_time_zone
    FROM lr_batch
    EXCEPT
    SELECT property_id, report_date, campaign, content, sessions, total_users, engaged_sessions,
           transactions, purchase_revenue, currency, property_time_zone
    FROM raw.ga4_sessions
) AS new_rows;
