-- Orders identical to what raw.orders already holds need no rewrite: reloading a file is a no-op.
DELETE FROM _new_orders AS n
WHERE EXISTS (
    SELECT 1
    FROM raw.orders AS o
    WHERE o.order_id = n.order_id
      AND o.ordered_at IS NOT DISTINCT FROM n.ordered_at
      AND o.order_total IS NOT DISTINCT FROM n.order_total
      AND o.phone_number IS NOT DISTINCT FROM n.phone_number
      AND o.email IS NOT DISTINCT FROM n.email
      AND o.currency IS NOT DISTINCT FROM n.currency
      AND o.status IS NOT DISTINCT FROM n.status
      AND o.refunded_total IS NOT DISTINCT FROM n.refunded_total
      AND o.landing_url IS NOT DISTINCT FROM n.landing_url
      AND o.utm_source IS NOT DISTINCT FROM n.utm_source
      AND o.utm_medium IS NOT DISTINCT FROM n.utm_medium
      AND o.utm_campaign IS NOT DISTINCT FROM n.utm_campaign
      AND o.utm_content IS NOT DISTINCT FROM n.utm_content
      AND o.shipped_at IS NOT DISTINCT FROM n.shipped_at
      AND o.delivered_at IS NOT DISTINCT FROM n.delivered_at
      AND o.order_name IS NOT DISTINCT FROM n.order_name
      AND o.visited_at IS NOT DISTINCT FROM n.visited_at
);
