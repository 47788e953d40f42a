-- Snapshot of the transactional message shells of every list of the sender codes in lr_scope.
DELETE FROM raw.listrak_transactional_messages WHERE short_code_id IN (SELECT short_code_id FROM lr_scope);
INSERT INTO raw.listrak_transactional_messages
SELECT short_code_id, phone_list_id, transactional_message_id, transactional_message_name,
       transactional_message_status, _load_id, _loaded_at, _source_file
FROM lr_batch;
