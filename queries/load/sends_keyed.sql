-- The good rows with their phone in E.164 and their send_id: the file's, else an md5 of the row's
-- normalised content, so reloading a file (in any format) gives the same ids.
CREATE OR REPLACE TEMP VIEW _keyed AS
SELECT CASE WHEN t.given_send_id IS NOT NULL THEN t.given_send_id
            ELSE md5(concat_ws('|',
                strftime(t.sent_at, '%Y-%m-%dT%H:%M:%S.%fZ'), t.sender_code_id, t.phone_list_id,
                t.transactional_message_id, coalesce(p.e164, trim(t.phone_raw), ''), t.message_content,
                t.http_status, coalesce(t.resource_id, ''), coalesce(t.error_code, '')))
       END AS send_id,
       p.e164 AS phone_number,
       t.*
FROM _typed AS t
LEFT JOIN _phones AS p ON p.raw = t.phone_raw
WHERE t._ok;
