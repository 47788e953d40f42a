-- The good order rows of the batch, typed; per order_id the newest version wins: the last file of
-- the load, and within a file the last row. UTM values missing as columns come from landing_url.
CREATE OR REPLACE TEMP TABLE _new_orders AS
WITH good AS (
    SELECT s.*, p.e164
    FROM _stage AS s
    LEFT JOIN _phones AS p ON p.raw = s.phone_number
    ANTI JOIN _bad AS b ON b._file_idx = s._file_idx AND b._row = s._row
)
SELECT lr_text(order_id) AS order_id,
       lr_ts(ordered_at) AS ordered_at,
       lr_money(order_total) AS order_total,
       e164 AS phone_number,
       lr_text(email) AS email,
       upper(lr_text(currency)) AS currency,
       lr_order_status(status) AS status,
       lr_money(refunded_total) AS refunded_total,
       lr_text(landing_url) AS landing_url,
       coalesce(lr_text(utm_source), lr_url_param(landing_url, 'utm_source')) AS utm_source,
       coalesce(lr_text(utm_medium), lr_url_param(landing_url, 'utm_medium')) AS utm_medium,
       coalesce(lr_text(utm_campaign), lr_url_param(landing_url, 'utm_campaign')) AS utm_campaign,
       coalesce(lr_text(utm_content), lr_url_param(landing_url, 'utm_content')) AS utm_content,
       lr_ts(shipped_at) AS shipped_at,
       lr_ts(delivered_at) AS delivered_at,
       _file_idx,
       _row
FROM good
QUALIFY row_number() OVER (PARTITION BY lr_text(order_id) ORDER BY _file_idx DESC, _row DESC) = 1;
