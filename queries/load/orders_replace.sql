-- The newer version of an order replaces the stored one (the later load wins).
DELETE FROM raw.orders WHERE order_id IN (SELECT order_id FROM _new_orders);
