-- The good order rows of the batch (phone in E.164); per order_id the newest version
-- wins: the last file of the load, and within a file the last row.
CREATE OR REPLACE TEMP TABLE _new_orders AS
SELECT order_id, ordered_at, order_total, phone_number, email, currency, status, refunded_total,
       landing_url, utm_source, utm_medium, utm_campaign, utm_content, shipped_at, delivered_at,
       order_name, visited_at,
       _file_idx, _row
FROM _typed
WHERE _ok
QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY _file_idx DESC, _row DESC) = 1;
