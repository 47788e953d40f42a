-- Upgrade of a raw.sends without the per-send SMS facts, step 2: the rows set aside into the new
-- raw.sends with their facts computed from the stored content by the loader's own rules
-- (load/sms_macros.sql), then the old table dropped. Runs in the transaction of step 1.
INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id,
                       phone_number, phone_raw, message_content, http_status, resource_id, error_code,
                       order_id, latency_ms, characters, encoding, segment_units, segments, has_link,
                       _load_id, _loaded_at, _source_file)
SELECT send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id,
       phone_number, phone_raw, message_content, http_status, resource_id, error_code,
       order_id, latency_ms, characters, encoding, segment_units, segments, has_link,
       _load_id, _loaded_at, _source_file
FROM (SELECT *, unnest(lr_sms_facts(message_content)) FROM raw.sends_before_facts) AS earlier;

DROP TABLE raw.sends_before_facts;
