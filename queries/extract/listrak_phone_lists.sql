-- Snapshot of the SMS lists (active and inactive) of the sender codes in lr_scope.
DELETE FROM raw.listrak_phone_lists WHERE short_code_id IN (SELECT short_code_id FROM lr_scope);
INSERT INTO raw.listrak_phone_lists
SELECT short_code_id, phone_list_id, phone_list_name, CAST(create_date AS TIMESTAMP), status,
       sms_list_type, require_double_opt_in, require_age_gate, _load_id, _loaded_at, _source_file
FROM lr_batch;
