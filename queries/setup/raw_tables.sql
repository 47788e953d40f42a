-- Raw tables: what arrived, typed, plus load metadata. Timestamps are UTC (TIMESTAMPTZ) except
-- Listrak's own dates, which carry no offset and are kept as given (TIMESTAMP) for staging to read
-- in the configured time zone. Natural keys are named per table; loaders keep them unique.
-- The raw tables of the file sources (raw.sends, raw.orders, ...) are declared in queries/raw/*.yml
-- and created from there (lrreport/warehouse/raw_tables.py).
CREATE SCHEMA IF NOT EXISTS raw;

-- Listrak dimensions, refreshed as snapshots. Key: short_code_id.
CREATE TABLE IF NOT EXISTS raw.listrak_sender_codes (
    short_code_id  INTEGER NOT NULL,
    code           VARCHAR,
    country        VARCHAR,
    merchant_name  VARCHAR,
    email_list_id  INTEGER,
    email_list_name VARCHAR,
    _load_id       VARCHAR NOT NULL,
    _loaded_at     TIMESTAMPTZ NOT NULL,
    _source_file   VARCHAR NOT NULL            -- the API route it came from
);

-- Key: (short_code_id, phone_list_id).
CREATE TABLE IF NOT EXISTS raw.listrak_phone_lists (
    short_code_id          INTEGER NOT NULL,
    phone_list_id          INTEGER NOT NULL,
    phone_list_name        VARCHAR,
    create_date            TIMESTAMP,
    status                 VARCHAR,
    sms_list_type          VARCHAR,
    require_double_opt_in  BOOLEAN,
    require_age_gate       BOOLEAN,
    _load_id               VARCHAR NOT NULL,
    _loaded_at             TIMESTAMPTZ NOT NULL,
    _source_file           VARCHAR NOT NULL
);

-- Key: (short_code_id, phone_list_id, transactional_message_id).
CREATE TABLE IF NOT EXISTS raw.listrak_transactional_messages (
    short_code_id                INTEGER NOT NULL,
    phone_list_id                INTEGER NOT NULL,
    transactional_message_id     INTEGER NOT NULL,
    transactional_message_name   VARCHAR,
    transactional_message_status VARCHAR,
    _load_id                     VARCHAR NOT NULL,
    _loaded_at                   TIMESTAMPTZ NOT NULL,
    _source_file                 VARCHAR NOT NULL
);

-- Contacts on a list. subscribe_date is the start of the date window the contact was found in
-- (the route filters on subscribe date but does not return it). Key: (short_code_id,
-- phone_list_id, phone_number); a later extraction updates opted_out and the profile fields.
CREATE TABLE IF NOT EXISTS raw.listrak_contacts (
    short_code_id   INTEGER NOT NULL,
    phone_list_id   INTEGER NOT NULL,
    phone_number    VARCHAR NOT NULL,          -- E.164
    email_address   VARCHAR,
    first_name      VARCHAR,
    last_name       VARCHAR,
    postal_code     VARCHAR,
    opted_out       BOOLEAN,
    subscribe_date  DATE,
    window_start    DATE,                      -- the subscribe-date window of the call
    window_end      DATE,
    _load_id        VARCHAR NOT NULL,
    _loaded_at      TIMESTAMPTZ NOT NULL,
    _source_file    VARCHAR NOT NULL
);

-- Opt-outs per sender code. opt_out_date as Listrak gives it (no offset). Key: (short_code_id,
-- phone_number, opt_out_date).
CREATE TABLE IF NOT EXISTS raw.listrak_optouts (
    short_code_id   INTEGER NOT NULL,
    phone_number    VARCHAR NOT NULL,          -- E.164
    opt_out_date    TIMESTAMP NOT NULL,
    opt_out_reason  VARCHAR,
    _load_id        VARCHAR NOT NULL,
    _loaded_at      TIMESTAMPTZ NOT NULL,
    _source_file    VARCHAR NOT NULL
);
