-- One reject per broken rule of each bad row: column, the value as given, and why.
CREATE OR REPLACE TEMP TABLE _rejects AS
SELECT _file_idx, _row, column_name, value, reason
FROM (
    SELECT _file_idx, _row, 'sent_at' AS column_name, sent_at AS value,
           coalesce(lr_missing(sent_at), lr_ts_problem(sent_at)) AS reason
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'sender_code_id', sender_code_id,
           coalesce(lr_missing(sender_code_id), lr_int_problem(sender_code_id))
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'phone_list_id', phone_list_id,
           coalesce(lr_missing(phone_list_id), lr_int_problem(phone_list_id))
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'transactional_message_id', transactional_message_id,
           coalesce(lr_missing(transactional_message_id), lr_int_problem(transactional_message_id))
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'http_status', http_status,
           coalesce(lr_missing(http_status), lr_int_problem(http_status),
                    CASE WHEN NOT lr_int(http_status) BETWEEN 100 AND 599
                         THEN 'not an HTTP status (100-599)' END)
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'phone_number', phone_number,
           CASE WHEN lr_int(http_status) = 201 AND lr_text(phone_number) IS NULL
                THEN 'missing value (an accepted send needs a phone number)'
                WHEN lr_int(http_status) = 201 AND _e164 IS NULL
                THEN 'not a phone number' END
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'latency_ms', latency_ms, lr_number_problem(latency_ms)
    FROM _bad
) AS problems
WHERE reason IS NOT NULL;
