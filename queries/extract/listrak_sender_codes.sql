-- Snapshot of the extracted sender codes: their rows are replaced by what the API returned.
-- lr_scope(short_code_id): the sender codes of this extraction; lr_batch: SenderCode records.
DELETE FROM raw.listrak_sender_codes WHERE short_code_id IN (SELECT short_code_id FROM lr_scope);
INSERT INTO raw.listrak_sender_codes
SELECT short_code_id, code, country, merchant_name, email_list_id, email_list_name,
       _load_id, _loaded_at, _source_file
FROM lr_batch;
