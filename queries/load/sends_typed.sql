-- Every staged send-log row parsed once into typed values, and _ok when the row passes every rule
-- (the rules are spelled out per column, for the bad rows only, in sends_rejects). order_id is the
-- file's, else found in the content by the configured pattern; CASE runs the pattern only for the
-- rows that need it. The phone is in E.164 when SQL settles it (load/phone_macros.sql); the other
-- texts are _phone_pending until Python has normalised them (sends_phone_rule). The per-send facts
-- (characters as sent, encoding, segment_units, segments, has_link: load/sms_macros.sql) are
-- computed here, once per send, so the models never count them again.
CREATE OR REPLACE TEMP TABLE _typed AS
SELECT * EXCLUDE (given_order_id),
       CASE WHEN given_order_id IS NOT NULL THEN given_order_id
            ELSE nullif(regexp_extract(message_content, getvariable('order_id_regex'), 1), '')
       END AS order_id,
       sent_at IS NOT NULL
       AND sender_code_id IS NOT NULL
       AND phone_list_id IS NOT NULL
       AND transactional_message_id IS NOT NULL
       AND coalesce(http_status BETWEEN 100 AND 599, FALSE)
       AND (http_status <> 201 OR phone_number IS NOT NULL OR _phone_pending)
       AND (latency_ms IS NOT NULL OR _latency_blank) AS _ok
FROM (
    SELECT _file_idx,
           lr_row(rowid, _file_idx) AS _row,
           lr_text(send_id) AS given_send_id,
           lr_ts(sent_at) AS sent_at,
           lr_int(sender_code_id) AS sender_code_id,
           lr_int(phone_list_id) AS phone_list_id,
           lr_int(transactional_message_id) AS transactional_message_id,
           lr_nanp_e164(lr_phone_national(phone_number)) AS phone_number,
           phone_number AS phone_raw,
           lr_phone_national(phone_number) IS NULL AND NOT lr_blank(phone_number) AS _phone_pending,
           coalesce(message_content, '') AS message_content,
           lr_int(http_status) AS http_status,
           lr_text(resource_id) AS resource_id,
           lr_text(error_code) AS error_code,
           lr_text(order_id) AS given_order_id,
           lr_number(latency_ms) AS latency_ms,
           lr_blank(latency_ms) AS _latency_blank,
           unnest(lr_sms_facts(coalesce(message_content, '')))  -- characters, encoding, segments ...
    FROM _stage
) AS parsed;
