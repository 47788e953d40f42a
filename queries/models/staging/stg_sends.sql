-- Grain: one row per Send Transactional Message attempt (accepted or not).
-- Key: send_id.
-- Purpose: raw.sends as loaded, nothing recomputed: the loader already normalised the phone to
-- E.164, found the order id and counted characters and segments, once per send. Accepted means
-- Listrak answered HTTP 201. No row dropped.
SELECT
    send_id,
    sent_at,
    sender_code_id,
    phone_list_id,
    transactional_message_id,
    phone_number,
    phone_raw,
    message_content,
    http_status,
    http_status = 201 AS accepted,
    resource_id,
    error_code,
    order_id,
    latency_ms,
    characters,
    encoding,
    segment_units,
    segments,
    has_link,
    _load_id,
    _source_file
FROM {{ source('raw', 'sends') }}
