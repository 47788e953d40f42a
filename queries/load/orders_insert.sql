-- The new and changed orders of the batch into raw.orders, with the load's metadata.
INSERT INTO raw.orders (order_id, ordered_at, order_total, phone_number, email, currency, status,
                        refunded_total, landing_url, utm_source, utm_medium, utm_campaign, utm_content,
                        shipped_at, delivered_at, order_name, visited_at, _load_id, _loaded_at,
                        _source_file)
SELECT order_id, ordered_at, order_total, phone_number, email, currency, status, refunded_total,
       landing_url, utm_source, utm_medium, utm_campaign, utm_content, shipped_at, delivered_at,
       order_name, visited_at,
       getvariable('load_id'), getvariable('loaded_at'), lr_source_file(_file_idx)
FROM _new_orders;
