-- Shopify bulk JSONL (one order object a line, as the bulk query in lrreport/extract/shopify.py
-- selects it) into the orders loader's columns, all text, in the file's order; written to Parquet
-- for lrreport.extract.loading to validate and land. order_id is the order's name, whose '#' the
-- loader drops (messages quote "order #1001"); the status is Shopify's financial status, which the
-- loader's [load] order_statuses maps, and a cancellation time makes the order cancelled there.
-- (Shopify's field names are camelCase, hence no CP02 here.)
-- noqa: disable=CP02
SELECT
    o.name AS order_id,  -- the loader's order_ref rule drops the '#'
    o.name AS order_name,
    coalesce(o.processedAt, o.createdAt) AS ordered_at,
    o.totalPriceSet.shopMoney.amount AS order_total,
    coalesce(o.phone, o.customer.phone, o.shippingAddress.phone) AS phone_number,
    coalesce(o.email, o.customer.email) AS email,
    coalesce(o.totalPriceSet.shopMoney.currencyCode, o.currencyCode) AS currency,
    lower(o.displayFinancialStatus) AS status,
    o.cancelledAt AS cancelled_at,
    o.totalRefundedSet.shopMoney.amount AS refunded_total,
    o.customerJourneySummary.lastVisit.landingPage AS landing_url,
    o.customerJourneySummary.lastVisit.utmParameters.source AS utm_source,
    o.customerJourneySummary.lastVisit.utmParameters.medium AS utm_medium,
    o.customerJourneySummary.lastVisit.utmParameters.campaign AS utm_campaign,
    o.customerJourneySummary.lastVisit.utmParameters.content AS utm_content,
    -- the first shipment triggers the shipping message, its delivery the delivery message
    list_min(list_transform(
        list_filter(o.fulfillments, LAMBDA f: f.status = 'SUCCESS'), LAMBDA f: f.createdAt
    )) AS shipped_at,
    list_min(list_transform(
        list_filter(o.fulfillments, LAMBDA f: f.status = 'SUCCESS'), LAMBDA f: f.deliveredAt
    )) AS delivered_at,
    o.customerJourneySummary.lastVisit.occurredAt AS visited_at
FROM read_json(
    getvariable('shopify_jsonl'),
    format = 'newline_delimited',
    columns = {
        id: 'VARCHAR',
        name: 'VARCHAR',
        createdAt: 'VARCHAR',
        processedAt: 'VARCHAR',
        cancelledAt: 'VARCHAR',
        displayFinancialStatus: 'VARCHAR',
        currencyCode: 'VARCHAR',
        totalPriceSet: 'STRUCT(shopMoney STRUCT(amount VARCHAR, currencyCode VARCHAR))',
        totalRefundedSet: 'STRUCT(shopMoney STRUCT(amount VARCHAR, currencyCode VARCHAR))',
        phone: 'VARCHAR',
        email: 'VARCHAR',
        customer: 'STRUCT(phone VARCHAR, email VARCHAR)',
        shippingAddress: 'STRUCT(phone VARCHAR)',
        customerJourneySummary: 'STRUCT(lastVisit STRUCT(occurredAt VARCHAR, landingPage VARCHAR,
            utmParameters STRUCT(source VARCHAR, medium VARCHAR, campaign VARCHAR, content VARCHAR)))',
        fulfillments: 'STRUCT(createdAt VARCHAR, deliveredAt VARCHAR, status VARCHAR)[]'
    }
) AS o
