-- Every staged order row parsed once: typed values, UTM values (columns first, else landing_url's
-- query string), and _ok when the row passes every rule (the rules are spelled out per column, for
-- the bad rows only, in orders_rejects). The phone is in E.164 when SQL settles it
-- (load/phone_macros.sql); the other texts are _phone_pending until Python has normalised them
-- (orders_phone_rule).
CREATE OR REPLACE TEMP TABLE _typed AS
SELECT *,
       order_id IS NOT NULL
       AND ordered_at IS NOT NULL
       AND order_total IS NOT NULL
       AND (refunded_total IS NOT NULL OR _refund_blank)
       AND coalesce(refunded_total <= order_total, TRUE)
       AND coalesce(status <> '?', TRUE)
       AND (currency IS NULL OR regexp_full_match(currency, '[A-Z]{3}'))
       AND (shipped_at IS NOT NULL OR _shipped_blank)
       AND (delivered_at IS NOT NULL OR _delivered_blank)
       AND (visited_at IS NOT NULL OR _visited_blank)
       AND (phone_number IS NOT NULL OR _phone_pending OR lr_blank(phone_raw)) AS _ok
FROM (
    SELECT s._file_idx,
           lr_row(s.rowid, s._file_idx) AS _row,
           lr_text(s.order_id) AS order_id,
           lr_ts(s.ordered_at) AS ordered_at,
           lr_money(s.order_total) AS order_total,
           lr_nanp_e164(lr_phone_national(s.phone_number)) AS phone_number,
           s.phone_number AS phone_raw,
           lr_phone_national(s.phone_number) IS NULL AND NOT lr_blank(s.phone_number) AS _phone_pending,
           lr_text(s.email) AS email,
           upper(lr_text(s.currency)) AS currency,
           lr_order_status(s.status) AS status,
           lr_money(s.refunded_total) AS refunded_total,
           lr_blank(s.refunded_total) AS _refund_blank,
           lr_text(s.landing_url) AS landing_url,
           coalesce(lr_text(s.utm_source), lr_url_param(s.landing_url, 'utm_source')) AS utm_source,
           coalesce(lr_text(s.utm_medium), lr_url_param(s.landing_url, 'utm_medium')) AS utm_medium,
           coalesce(lr_text(s.utm_campaign), lr_url_param(s.landing_url, 'utm_campaign')) AS utm_campaign,
           coalesce(lr_text(s.utm_content), lr_url_param(s.landing_url, 'utm_content')) AS utm_content,
           lr_ts(s.shipped_at) AS shipped_at,
           lr_blank(s.shipped_at) AS _shipped_blank,
           lr_ts(s.delivered_at) AS delivered_at,
           lr_blank(s.delivered_at) AS _delivered_blank,
           lr_text(s.order_name) AS order_name,
           lr_ts(s.visited_at) AS visited_at,
           lr_blank(s.visited_at) AS _visited_blank
    FROM _stage AS s
) AS parsed;
