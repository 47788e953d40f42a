-- Every staged send-log row parsed once: typed values, the phone in E.164, and _ok when the row
-- passes every rule (the rules are spelled out per column, for the bad rows only, in sends_rejects).
-- An accepted send (201) needs a real phone number; a failed send may carry any text there.
-- send_id is the file's, else an md5 of the row's normalised content (reloading a file gives the
-- same ids); order_id is the file's, else found in the content by the configured pattern. CASE
-- evaluates the costly branch only for the rows that need it.
CREATE OR REPLACE TEMP TABLE _typed AS
SELECT CASE WHEN given_send_id IS NOT NULL THEN given_send_id
            ELSE md5(concat_ws('|',
                strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%fZ'), sender_code_id, phone_list_id,
                transactional_message_id, coalesce(phone_number, phone_raw, ''), message_content,
                http_status, coalesce(resource_id, ''), coalesce(error_code, '')))
       END AS send_id,
       * EXCLUDE (given_send_id, given_order_id),
       CASE WHEN given_order_id IS NOT NULL THEN given_order_id
            ELSE nullif(regexp_extract(message_content, getvariable('order_id_regex'), 1), '')
       END AS order_id,
       sent_at IS NOT NULL
       AND sender_code_id IS NOT NULL
       AND phone_list_id IS NOT NULL
       AND transactional_message_id IS NOT NULL
       AND coalesce(http_status BETWEEN 100 AND 599, FALSE)
       AND (http_status <> 201 OR phone_number IS NOT NULL)
       AND (latency_ms IS NOT NULL OR _latency_blank) AS _ok
FROM (
    SELECT s._file_idx,
           s._row,
           lr_ts(s.sent_at) AS sent_at,
           lr_int(s.sender_code_id) AS sender_code_id,
           lr_int(s.phone_list_id) AS phone_list_id,
           lr_int(s.transactional_message_id) AS transactional_message_id,
           p.e164 AS phone_number,
           s.phone_number AS phone_raw,
           coalesce(s.message_content, '') AS message_content,
           lr_int(s.http_status) AS http_status,
           lr_text(s.resource_id) AS resource_id,
           lr_text(s.error_code) AS error_code,
           lr_text(s.order_id) AS given_order_id,
           lr_number(s.latency_ms) AS latency_ms,
           lr_blank(s.latency_ms) AS _latency_blank,
           lr_text(s.send_id) AS given_send_id
    FROM _stage AS s
    LEFT JOIN _phones AS p ON p.raw = s.phone_number
);
