-- The good rows with their send_id: the file's, else an md5 of the row's normalised content, so
-- reloading a file (in any format) gives the same ids.
CREATE OR REPLACE TEMP VIEW _keyed AS
SELECT
    t.* REPLACE (
        CASE WHEN t.send_id IS NOT NULL THEN t.send_id
            ELSE md5(concat_ws('|',
                strftime(t.sent_at, '%Y-%m-%dT%H:%M:%S.%fZ'), t.sender_code_id, t.phone_list_id,
                t.transactional_message_id, coalesce(t.phone_number, trim(t.phone_raw), ''), t.message_content,
                t.http_status, coalesce(t.resource_id, ''), coalesce(t.error_code, '')))
        END AS send_id
    )
FROM _typed AS t
WHERE t._ok;
