-- The simulator's shop refunds $1 of order $3 at time $2: the amount, the financial status and
-- updatedAt change, as they would in Shopify.
-- (Shopify's field names are camelCase, hence no CP02 here.)
-- noqa: disable=CP02
UPDATE orders SET
    totalRefundedSet = {'shopMoney': {'amount': $1::DECIMAL(18, 2)::VARCHAR, 'currencyCode': currencyCode}},
    displayFinancialStatus = CASE
        WHEN $1::DECIMAL(18, 2) < totalPriceSet.shopMoney.amount::DECIMAL(18, 2) THEN 'PARTIALLY_REFUNDED'
        ELSE 'REFUNDED'
    END,
    updatedAt = $2
WHERE name = $3;
