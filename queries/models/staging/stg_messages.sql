-- Grain: one row per transactional message shell Listrak knows (its newest snapshot: the
-- extractor replaces a sender code's shells on every run).
-- Key: (sender_code_id, phone_list_id, transactional_message_id).
-- Purpose: shell names, the basis of message types and of UTM campaign matching.
SELECT
    short_code_id AS sender_code_id,
    phone_list_id,
    transactional_message_id,
    nullif(trim(transactional_message_name), '') AS message_name,
    transactional_message_status AS message_status
FROM {{ source('raw', 'listrak_transactional_messages') }}
