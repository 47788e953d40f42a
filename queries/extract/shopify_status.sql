-- A Shopify order's status as the orders loader spells it: a cancelled or voided order is
-- cancelled, a (partly) refunded one refunded (refunded_total says how much), any other placed.
-- The one place this mapping lives until the loader's configurable status map replaces it.
CREATE OR REPLACE TEMP MACRO lr_shopify_status(financial_status, cancelled_at) AS
    CASE
        WHEN cancelled_at IS NOT NULL OR financial_status = 'VOIDED' THEN 'cancelled'
        WHEN financial_status IN ('REFUNDED', 'PARTIALLY_REFUNDED') THEN 'refunded'
        ELSE 'placed'
    END;
