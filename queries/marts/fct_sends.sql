-- Grain: one row per Send Transactional Message attempt.
-- Key: send_id.
-- Purpose: every attempt with its business date, hour and weekday (settings.business.timezone),
-- its shell and type, acceptance, error, the order it is about, what it cost in segments, and
-- whether the phone opted out afterwards (later_opted_out: an opt-out of the same sender code at
-- or after sent_at) or within the opt-out window credited to this very send (optout_credited).
WITH last_optout AS (
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
    s.message_name,
    s.message_type,
    s.phone_number,
    s.phone_raw,
    s.accepted,
    s.http_status,
    s.error_code,
    s.resource_id,
    s.order_id,
    s.message_content,
    s.characters,
    s.encoding,
    s.segment_units,
    s.segments,
    s.has_link,
    s.latency_ms,
    coalesce(lo.last_opted_out_at >= s.sent_at, false) AS later_opted_out,
    c.send_id IS NOT NULL AS optout_credited
FROM intermediate.int_sends AS s
LEFT JOIN last_optout AS lo
    ON lo.sender_code_id = s.sender_code_id AND lo.phone_number = s.phone_number
LEFT JOIN credited AS c ON c.send_id = s.send_id
