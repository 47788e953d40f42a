-- Grain: one row per SMS list of a sender code, from its newest snapshot.
-- Key: (sender_code_id, phone_list_id).
-- Purpose: list names and types for dim_messages and list health.
-- materialized: view
SELECT
    short_code_id AS sender_code_id,
    phone_list_id,
    phone_list_name,
    create_date,
    status,
    sms_list_type
FROM raw.listrak_phone_lists
QUALIFY row_number() OVER (
    PARTITION BY short_code_id, phone_list_id ORDER BY _loaded_at DESC, _load_id DESC
) = 1
