-- Order status as stored: placed / cancelled / refunded ('canceled' accepted), '?' when unknown.
CREATE OR REPLACE TEMP MACRO lr_order_status(x) AS
    CASE lower(lr_text(x))
        WHEN 'placed' THEN 'placed'
        WHEN 'cancelled' THEN 'cancelled'
        WHEN 'canceled' THEN 'cancelled'
        WHEN 'refunded' THEN 'refunded'
        ELSE CASE WHEN lr_text(x) IS NULL THEN NULL ELSE '?' END
    END;
