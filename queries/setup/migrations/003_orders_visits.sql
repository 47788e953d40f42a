-- Schema version 3: raw.orders keeps the shop's order name and the visit time; the two columns are
-- added at the end (where the CREATE TABLE made from queries/raw/orders.yml puts them too). Idempotent, so a file
-- from before the version record that has them already (or no raw.orders yet) passes unchanged.
ALTER TABLE IF EXISTS raw.orders ADD COLUMN IF NOT EXISTS order_name VARCHAR;
ALTER TABLE IF EXISTS raw.orders ADD COLUMN IF NOT EXISTS visited_at TIMESTAMPTZ;
