-- The good rows of the batch into raw.sends. send_id is the file's, else an md5 of the row's
-- normalised content, so reloading a file gives the same ids; within the batch the first row of a
-- send_id wins, and a send_id already in raw.sends is skipped (first load wins).
INSERT INTO raw.sends
WITH good AS (
    SELECT s.*, p.e164
    FROM _stage AS s
    LEFT JOIN _phones AS p ON p.raw = s.phone_number
    ANTI JOIN _bad AS b ON b._file_idx = s._file_idx AND b._row = s._row
),
typed AS (
    SELECT lr_ts(sent_at) AS sent_at,
           lr_int(sender_code_id) AS sender_code_id,
           lr_int(phone_list_id) AS phone_list_id,
           lr_int(transactional_message_id) AS transactional_message_id,
           e164 AS phone_number,
           phone_number AS phone_raw,
           coalesce(message_content, '') AS message_content,
           lr_int(http_status) AS http_status,
           lr_text(resource_id) AS resource_id,
           lr_text(error_code) AS error_code,
           coalesce(lr_text(order_id),
                    nullif(regexp_extract(message_content, getvariable('order_id_regex'), 1), ''))
               AS order_id,
           lr_number(latency_ms) AS latency_ms,
           lr_text(send_id) AS given_send_id,
           _file_idx,
           _row
    FROM good
),
keyed AS (
    SELECT coalesce(given_send_id, md5(concat_ws('|',
               strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%fZ'), sender_code_id, phone_list_id,
               transactional_message_id, coalesce(phone_number, phone_raw, ''), message_content,
               http_status, coalesce(resource_id, ''), coalesce(error_code, ''))))
               AS send_id,
           *
    FROM typed
)
SELECT send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, phone_number,
       phone_raw, message_content, http_status, resource_id, error_code, order_id, latency_ms,
       getvariable('load_id'), getvariable('loaded_at'), lr_source_file(_file_idx)
FROM keyed AS k
WHERE NOT EXISTS (SELECT 1 FROM raw.sends AS r WHERE r.send_id = k.send_id)
QUALIFY row_number() OVER (PARTITION BY send_id ORDER BY _file_idx, _row) = 1;
