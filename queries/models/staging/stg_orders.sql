-- Grain: one row per order (the loader keeps only the newest version of each).
-- Key: order_id.
-- Purpose: orders as loaded (phones in E.164, status spelled placed / cancelled / refunded, UTM
-- values already taken from the landing URL by the loader); an order without a status is placed.
SELECT
    order_id,
    ordered_at,
    order_total,
    phone_number,
    email,
    currency,
    coalesce(status, 'placed') AS status,
    refunded_total,
    landing_url,
    utm_source,
    utm_medium,
    utm_campaign,
    utm_content,
    shipped_at,
    delivered_at,
    order_name,
    visited_at,
    _load_id
FROM {{ source('raw', 'orders') }}
