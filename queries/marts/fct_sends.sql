-- Grain: one row per Send Transactional Message attempt.
-- Key: send_id.
-- Purpose: every attempt with its business date, hour and weekday (settings.business.timezone),
-- its shell and type, acceptance, error, the order it is about (same rule as
-- intermediate.int_sends), what it cost (characters as sent, encoding, septets or UTF-16 units,
-- segments: queries/macros/sms.sql) and whether the phone opted out afterwards
-- (later_opted_out: an opt-out of the same sender code at or after sent_at) or within the
-- opt-out window credited to this very send (optout_credited).
WITH counted AS (
    SELECT s.*, macros.sms_as_sent(s.message_content) AS content_as_sent
    FROM staging.stg_sends AS s
),
encoded AS (
    SELECT
        *,
        macros.sms_has_link(message_content, content_as_sent) AS has_link,
        macros.sms_is_gsm7(content_as_sent) AS gsm7
    FROM counted
),
units AS (
    SELECT *, macros.sms_units(content_as_sent, gsm7) AS units FROM encoded
),
last_optout AS (
    SELECT sender_code_id, phone_number, max(opted_out_at) AS last_opted_out_at
    FROM intermediate.int_optouts
    GROUP BY ALL
),
credited AS (
    SELECT DISTINCT credited_send_id AS send_id
    FROM intermediate.int_optouts
    WHERE credited_send_id IS NOT NULL
)
SELECT
    s.send_id,
    s.sent_at,
    CAST(timezone(getvariable('lr_timezone'), s.sent_at) AS DATE) AS sent_date,
    CAST(hour(timezone(getvariable('lr_timezone'), s.sent_at)) AS TINYINT) AS sent_hour,
    CAST(isodow(timezone(getvariable('lr_timezone'), s.sent_at)) AS TINYINT) AS sent_isodow,
    s.sender_code_id,
    s.phone_list_id,
    s.transactional_message_id,
    m.message_name,
    m.message_type,
    s.phone_number,
    s.phone_raw,
    s.http_status = 201 AS accepted,
    s.http_status,
    s.error_code,
    s.resource_id,
    macros.send_order_id(s.order_id, s.message_content, getvariable('lr_order_id_regex')) AS order_id,
    s.message_content,
    CAST(length(s.content_as_sent) AS INTEGER) AS characters,
    macros.sms_encoding(s.gsm7) AS encoding,
    CAST(s.units AS INTEGER) AS segment_units,
    CAST(macros.sms_segments(s.units, s.gsm7) AS INTEGER) AS segments,
    s.has_link,
    s.latency_ms,
    coalesce(lo.last_opted_out_at >= s.sent_at, false) AS later_opted_out,
    c.send_id IS NOT NULL AS optout_credited,
    s._load_id,
    s._source_file
FROM units AS s
LEFT JOIN intermediate.int_messages AS m
    ON m.sender_code_id = s.sender_code_id
    AND m.phone_list_id = s.phone_list_id
    AND m.transactional_message_id = s.transactional_message_id
LEFT JOIN last_optout AS lo
    ON lo.sender_code_id = s.sender_code_id AND lo.phone_number = s.phone_number
LEFT JOIN credited AS c ON c.send_id = s.send_id
