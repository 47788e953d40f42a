-- The good rows of the batch into raw.sends when no send_id repeats within the batch; a send_id
-- already in raw.sends is skipped: the first load wins.
INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, phone_number,
       phone_raw, message_content, http_status, resource_id, error_code, order_id, latency_ms,
       characters, encoding, segment_units, segments, has_link,
       _load_id, _loaded_at, _source_file)
SELECT send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, phone_number,
       phone_raw, message_content, http_status, resource_id, error_code, order_id, latency_ms,
       characters, encoding, segment_units, segments, has_link,
       getvariable('load_id'), getvariable('loaded_at'), lr_source_file(_file_idx)
FROM _keyed AS k
WHERE NOT EXISTS (SELECT 1 FROM raw.sends AS r WHERE r.send_id = k.send_id);
