-- Schema version 2: raw.sends stores the per-send SMS facts computed at load. A version 1 table is
-- set aside, created anew in the version 2 layout, refilled with the facts computed from the stored
-- content by the loader's own rules (load/sms_macros.sql, created first by the migration runner),
-- and dropped. Runs in the migration's transaction: nothing of it is kept when a step fails.
ALTER TABLE raw.sends RENAME TO sends_before_facts;

CREATE TABLE raw.sends (
    send_id                  VARCHAR NOT NULL,
    sent_at                  TIMESTAMPTZ NOT NULL,
    sender_code_id           INTEGER NOT NULL,
    phone_list_id            INTEGER NOT NULL,
    transactional_message_id INTEGER NOT NULL,
    phone_number             VARCHAR,
    phone_raw                VARCHAR,
    message_content          VARCHAR NOT NULL,
    http_status              SMALLINT NOT NULL,
    resource_id              VARCHAR,
    error_code               VARCHAR,
    order_id                 VARCHAR,
    latency_ms               DOUBLE,
    characters               INTEGER NOT NULL,
    encoding                 VARCHAR NOT NULL,
    segment_units            INTEGER NOT NULL,
    segments                 INTEGER NOT NULL,
    has_link                 BOOLEAN NOT NULL,
    _load_id                 VARCHAR NOT NULL,
    _loaded_at               TIMESTAMPTZ NOT NULL,
    _source_file             VARCHAR NOT NULL
);

INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id,
                       phone_number, phone_raw, message_content, http_status, resource_id, error_code,
                       order_id, latency_ms, characters, encoding, segment_units, segments, has_link,
                       _load_id, _loaded_at, _source_file)
SELECT send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id,
       phone_number, phone_raw, message_content, http_status, resource_id, error_code,
       order_id, latency_ms, characters, encoding, segment_units, segments, has_link,
       _load_id, _loaded_at, _source_file
FROM (SELECT *, unnest(lr_sms_facts(message_content)) FROM raw.sends_before_facts) AS earlier;

DROP TABLE raw.sends_before_facts;
