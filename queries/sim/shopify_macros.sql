-- Shopify's DateTime scalar: ISO 8601 in UTC with a Z.
-- (Shopify's field names are camelCase, hence no CP02 here.)
-- noqa: disable=CP02
CREATE OR REPLACE TEMP MACRO lr_sim_ts(x) AS strftime(x AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ');
-- A CustomerVisit: NULL for an order without a tracked landing page.
CREATE OR REPLACE TEMP MACRO lr_sim_visit(landing, occurred, src, med, camp, cont) AS
    CASE WHEN landing IS NOT NULL THEN {
        'occurredAt': lr_sim_ts(occurred),
        'landingPage': landing,
        'referrerUrl': NULL::VARCHAR,
        'source': coalesce(src, 'direct'),
        'utmParameters': CASE WHEN src IS NOT NULL THEN {
            'source': src, 'medium': med, 'campaign': camp, 'content': cont, 'term': NULL::VARCHAR
        } END
    } END;
