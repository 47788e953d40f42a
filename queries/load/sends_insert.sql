-- The good rows of the batch into raw.sends. send_id is the file's, else an md5 of the row's
-- normalised content, so reloading a file gives the same ids; within the batch the first row of a
-- send_id wins, and a send_id already in raw.sends is skipped (first load wins). Without an
-- order_id the order is found in the content by the configured pattern.
INSERT INTO raw.sends
WITH keyed AS (
    SELECT coalesce(given_send_id, md5(concat_ws('|',
               strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%fZ'), sender_code_id, phone_list_id,
               transactional_message_id, coalesce(phone_number, phone_raw, ''), message_content,
               http_status, coalesce(resource_id, ''), coalesce(error_code, ''))))
               AS send_id,
           *
    FROM _typed
    WHERE _ok
)
SELECT send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, phone_number,
       phone_raw, message_content, http_status, resource_id, error_code,
       coalesce(given_order_id,
                nullif(regexp_extract(message_content, getvariable('order_id_regex'), 1), '')),
       latency_ms, getvariable('load_id'), getvariable('loaded_at'), lr_source_file(_file_idx)
FROM keyed AS k
WHERE NOT EXISTS (SELECT 1 FROM raw.sends AS r WHERE r.send_id = k.send_id)
QUALIFY row_number() OVER (PARTITION BY send_id ORDER BY _file_idx, _row) = 1;
