-- Grain: one row per SMS list of a sender code (its newest snapshot).
-- Key: (sender_code_id, phone_list_id).
-- Purpose: list names and types for dim_messages and list health.
SELECT
    short_code_id AS sender_code_id,
    phone_list_id,
    phone_list_name,
    create_date,
    status,
    sms_list_type
FROM {{ source('raw', 'listrak_phone_lists') }}
