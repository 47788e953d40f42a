-- Grain: one row per Send Transactional Message attempt (accepted or not).
-- Key: send_id.
-- Purpose: raw.sends as loaded, with phone numbers in E.164 and blank texts as NULL; no row dropped.
-- materialized: view
SELECT
    send_id,
    sent_at,
    sender_code_id,
    phone_list_id,
    transactional_message_id,
    macros.e164(phone_number) AS phone_number,
    phone_raw,
    message_content,
    http_status,
    nullif(trim(resource_id), '') AS resource_id,
    nullif(trim(error_code), '') AS error_code,
    nullif(trim(order_id), '') AS order_id,
    latency_ms,
    _load_id,
    _source_file
FROM raw.sends
