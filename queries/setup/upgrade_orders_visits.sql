-- Upgrade of a raw.orders from before the order name and the visit time were kept: the two columns
-- added at the end (where CREATE TABLE in setup/raw_tables puts them too). Idempotent.
ALTER TABLE raw.orders ADD COLUMN IF NOT EXISTS order_name VARCHAR;
ALTER TABLE raw.orders ADD COLUMN IF NOT EXISTS visited_at TIMESTAMPTZ;
