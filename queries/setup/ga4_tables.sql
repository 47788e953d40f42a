-- GA4 sessions from SMS links, as the Data API's runReport gives them (lrreport extract ga4).
CREATE SCHEMA IF NOT EXISTS raw;

-- One row per property, day (the property's time zone), campaign and content of the sessions whose
-- source / medium are attribution.utm_source / utm_medium. Key: (property_id, report_date,
-- campaign, content). An extraction replaces the days it covered.
CREATE TABLE IF NOT EXISTS raw.ga4_sessions (
    property_id       VARCHAR NOT NULL,
    report_date       DATE NOT NULL,          -- GA4 `date`, in property_time_zone
    campaign          VARCHAR NOT NULL,       -- sessionCampaignName (utm_campaign)
    content           VARCHAR NOT NULL,       -- sessionManualAdContent (utm_content)
    sessions          BIGINT NOT NULL,
    total_users       BIGINT NOT NULL,        -- not additive across days or campaigns
    engaged_sessions  BIGINT NOT NULL,
    transactions      BIGINT NOT NULL,
    purchase_revenue  DECIMAL(18, 2) NOT NULL, -- in currency, before refunds
    currency          VARCHAR NOT NULL,       -- metadata.currencyCode
    property_time_zone VARCHAR NOT NULL,      -- metadata.timeZone
    _load_id          VARCHAR NOT NULL,
    _loaded_at        TIMESTAMPTZ NOT NULL,
    _source_file      VARCHAR NOT NULL        -- the API route it came from
);

-- The days each extraction covered: on these days raw.ga4_sessions is what GA4 said (a day
-- without rows had no SMS sessions); on other days nothing is known. Key: (property_id,
-- report_date).
CREATE TABLE IF NOT EXISTS raw.ga4_days (
    property_id  VARCHAR NOT NULL,
    report_date  DATE NOT NULL,
    _load_id     VARCHAR NOT NULL,
    _loaded_at   TIMESTAMPTZ NOT NULL
);
