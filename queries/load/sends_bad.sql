-- Staged send-log rows that break a rule (each rule is spelled out per column in sends_rejects).
-- An accepted send (201) needs a real phone number; a failed send may carry any text there.
CREATE OR REPLACE TEMP TABLE _bad AS
SELECT s.*, p.e164 AS _e164
FROM _stage AS s
LEFT JOIN _phones AS p ON p.raw = s.phone_number
WHERE lr_missing(s.sent_at) IS NOT NULL
   OR lr_ts_problem(s.sent_at) IS NOT NULL
   OR lr_missing(s.sender_code_id) IS NOT NULL
   OR lr_int_problem(s.sender_code_id) IS NOT NULL
   OR lr_missing(s.phone_list_id) IS NOT NULL
   OR lr_int_problem(s.phone_list_id) IS NOT NULL
   OR lr_missing(s.transactional_message_id) IS NOT NULL
   OR lr_int_problem(s.transactional_message_id) IS NOT NULL
   OR lr_missing(s.http_status) IS NOT NULL
   OR lr_int_problem(s.http_status) IS NOT NULL
   OR NOT coalesce(lr_int(s.http_status) BETWEEN 100 AND 599, TRUE)
   OR (lr_int(s.http_status) = 201 AND p.e164 IS NULL)
   OR lr_number_problem(s.latency_ms) IS NOT NULL;
