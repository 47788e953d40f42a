-- Grain: one row per transactional message shell Listrak knows, from its newest snapshot.
-- Key: (sender_code_id, phone_list_id, transactional_message_id).
-- Purpose: shell names, the basis of message types and of UTM campaign matching.
-- materialized: view
SELECT
    short_code_id AS sender_code_id,
    phone_list_id,
    transactional_message_id,
    nullif(trim(transactional_message_name), '') AS message_name,
    transactional_message_status AS message_status
FROM raw.listrak_transactional_messages
QUALIFY row_number() OVER (
    PARTITION BY short_code_id, phone_list_id, transactional_message_id ORDER BY _loaded_at DESC, _load_id DESC
) = 1
