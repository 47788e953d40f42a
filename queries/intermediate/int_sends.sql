-- Grain: one row per send attempt.
-- Key: send_id.
-- Purpose: each attempt with its shell's name and type, whether Listrak accepted it (HTTP 201),
-- the order it is about (the order_id column, else found in the content with
-- settings.load.order_id_regex) and what it costs in characters, encoding and segments
-- (queries/macros/sms.sql). Timestamps UTC; business dates are added in the marts.
WITH sends AS (
    SELECT
        s.*,
        macros.sms_as_sent(s.message_content) AS content_as_sent,
        macros.sms_has_link(s.message_content) AS has_link
    FROM staging.stg_sends AS s
),
encoded AS (
    SELECT *, macros.sms_is_gsm7(content_as_sent) AS gsm7 FROM sends
),
counted AS (
    SELECT *, macros.sms_units(content_as_sent, gsm7) AS units FROM encoded
)
SELECT
    c.send_id,
    c.sent_at,
    c.sender_code_id,
    c.phone_list_id,
    c.transactional_message_id,
    m.message_name,
    m.message_type,
    c.phone_number,
    c.phone_raw,
    c.http_status = 201 AS accepted,
    c.http_status,
    c.error_code,
    c.resource_id,
    coalesce(
        c.order_id,
        nullif(regexp_extract(c.message_content, getvariable('lr_order_id_regex'), 1), '')
    ) AS order_id,
    c.message_content,
    CAST(length(c.content_as_sent) AS INTEGER) AS characters,
    macros.sms_encoding(c.gsm7) AS encoding,
    CAST(c.units AS INTEGER) AS segment_units,
    CAST(macros.sms_segments(c.units, c.gsm7) AS INTEGER) AS segments,
    c.has_link,
    c.latency_ms,
    c._load_id,
    c._source_file
FROM counted AS c
LEFT JOIN intermediate.int_messages AS m
    ON m.sender_code_id = c.sender_code_id
    AND m.phone_list_id = c.phone_list_id
    AND m.transactional_message_id = c.transactional_message_id
