-- Grain: one row per order (the newest load of an order wins).
-- Key: order_id.
-- Purpose: orders with phone numbers in E.164, status lower-cased ('canceled' spelled 'cancelled',
-- missing = 'placed'), and UTM values taken from the landing URL when their columns are empty.
-- materialized: view
SELECT
    order_id,
    ordered_at,
    order_total,
    macros.e164(phone_number) AS phone_number,
    nullif(trim(email), '') AS email,
    upper(nullif(trim(currency), '')) AS currency,
    CASE lower(coalesce(nullif(trim(status), ''), 'placed'))
        WHEN 'canceled' THEN 'cancelled'
        ELSE lower(coalesce(nullif(trim(status), ''), 'placed'))
    END AS status,
    refunded_total,
    nullif(trim(landing_url), '') AS landing_url,
    coalesce(nullif(trim(utm_source), ''), macros.url_param(landing_url, 'utm_source')) AS utm_source,
    coalesce(nullif(trim(utm_medium), ''), macros.url_param(landing_url, 'utm_medium')) AS utm_medium,
    coalesce(nullif(trim(utm_campaign), ''), macros.url_param(landing_url, 'utm_campaign')) AS utm_campaign,
    coalesce(nullif(trim(utm_content), ''), macros.url_param(landing_url, 'utm_content')) AS utm_content,
    shipped_at,
    delivered_at,
    _load_id
FROM raw.orders
QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY _loaded_at DESC, _load_id DESC) = 1
