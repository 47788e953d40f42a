-- Order status as stored: placed / cancelled / refunded. The file's word is looked up, ignoring
-- case and surrounding spaces, in getvariable('order_statuses'): the settings' [load]
-- order_statuses over the defaults (ORDER_STATUSES in lrreport/extract/values.py), e.g.
-- Shopify's financial statuses (voided -> cancelled, partially_refunded -> refunded).
CREATE OR REPLACE TEMP MACRO lr_order_status(x) AS
    getvariable('order_statuses')[lower(lr_text(x))];
CREATE OR REPLACE TEMP MACRO lr_order_status_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_order_status(x) IS NULL
         THEN 'unknown status (expected placed, cancelled, refunded or a word mapped in [load] order_statuses)'
    END;
