-- The Shopify simulator's store: the simulated merchant's orders file (getvariable('sim_orders'),
-- every column text) as Shopify Order objects, one row each, columns named and nested as the Admin
-- GraphQL API's fields. Deterministic per order: which of its phone fields carries the phone, the
-- financial status of a placed order, how long the visit came before the order.
-- (Shopify's field names are camelCase, hence no CP02 here.)
-- noqa: disable=CP02
CREATE OR REPLACE TABLE orders AS
WITH src AS (
    SELECT
        *,
        ordered_at::TIMESTAMPTZ AS t,
        shipped_at::TIMESTAMPTZ AS ship_t,
        delivered_at::TIMESTAMPTZ AS deliv_t,
        order_total::DECIMAL(18, 2) AS total,
        coalesce(
            refunded_total::DECIMAL(18, 2),
            CASE WHEN status = 'refunded' THEN order_total::DECIMAL(18, 2) ELSE 0.00 END
        ) AS refunded,
        regexp_extract(order_id, '[0-9]+')::BIGINT AS num,
        (hash(order_id) % 1000)::BIGINT AS h
    FROM sim_source
),

dated AS (
    SELECT
        *,
        CASE WHEN status = 'cancelled' THEN t + to_minutes(10 + h % 180) END AS cancel_t,
        CASE WHEN status = 'refunded' THEN coalesce(deliv_t, ship_t, t) + INTERVAL 2 DAY END AS refund_t,
        max(t) OVER () + INTERVAL 1 HOUR AS store_now
    FROM src
)

SELECT
    num,
    'gid://shopify/Order/' || (5000000000000 + num) AS id,
    '#' || order_id AS name,
    lr_sim_ts(t) AS createdAt,
    lr_sim_ts(t) AS processedAt,
    lr_sim_ts(least(greatest(t, cancel_t, ship_t, deliv_t, refund_t), store_now)) AS updatedAt,
    lr_sim_ts(cancel_t) AS cancelledAt,
    CASE WHEN cancel_t IS NOT NULL THEN 'CUSTOMER' END AS cancelReason,
    CASE
        WHEN status = 'cancelled' AND refunded > 0 THEN 'REFUNDED'
        WHEN status = 'cancelled' THEN 'VOIDED'
        WHEN status = 'refunded' AND refunded < total THEN 'PARTIALLY_REFUNDED'
        WHEN status = 'refunded' THEN 'REFUNDED'
        WHEN h % 100 < 90 THEN 'PAID'
        WHEN h % 100 < 95 THEN 'AUTHORIZED'
        WHEN h % 100 < 98 THEN 'PENDING'
        ELSE 'PARTIALLY_PAID'
    END AS displayFinancialStatus,
    currency AS currencyCode,
    {'shopMoney': {'amount': total::VARCHAR, 'currencyCode': currency}} AS totalPriceSet,
    {'shopMoney': {'amount': (total - refunded)::VARCHAR, 'currencyCode': currency}} AS currentTotalPriceSet,
    {'shopMoney': {'amount': refunded::VARCHAR, 'currencyCode': currency}} AS totalRefundedSet,
    CASE WHEN h % 3 = 0 THEN phone_number END AS phone,
    email,
    CASE
        WHEN phone_number IS NOT NULL OR email IS NOT NULL
            THEN {'phone': CASE WHEN h % 3 IN (0, 1) THEN phone_number END, 'email': email}
    END AS customer,
    {'phone': CASE WHEN h % 3 = 2 THEN phone_number END} AS shippingAddress,
    'web' AS sourceName,
    {
        'ready': TRUE,
        'lastVisit': lr_sim_visit(landing_url, t - to_minutes(2 + h % 50), utm_source, utm_medium, utm_campaign, utm_content),
        'firstVisit': lr_sim_visit(landing_url, t - to_minutes(2 + h % 50), utm_source, utm_medium, utm_campaign, utm_content)
    } AS customerJourneySummary,
    CASE
        WHEN ship_t IS NULL THEN []
        ELSE [{
            'createdAt': lr_sim_ts(ship_t),
            'inTransitAt': lr_sim_ts(ship_t + INTERVAL 6 HOUR),
            'deliveredAt': lr_sim_ts(deliv_t),
            'status': 'SUCCESS',
            'displayStatus': CASE WHEN deliv_t IS NOT NULL THEN 'DELIVERED' ELSE 'IN_TRANSIT' END
        }]
    END AS fulfillments
FROM dated
ORDER BY num;
