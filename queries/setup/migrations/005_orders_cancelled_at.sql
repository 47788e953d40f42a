-- Schema version 5: raw.orders keeps the cancellation time (Shopify's "Cancelled at" / cancelledAt);
-- an order with one is cancelled whatever its financial status says.
ALTER TABLE IF EXISTS raw.orders ADD COLUMN IF NOT EXISTS cancelled_at TIMESTAMPTZ;
