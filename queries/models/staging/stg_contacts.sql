-- Grain: one row per contact on an SMS list (the extractor keeps one row per contact).
-- Key: (sender_code_id, phone_list_id, phone_number).
-- Purpose: subscribe dates for list health.
SELECT
    short_code_id AS sender_code_id,
    phone_list_id,
    phone_number,
    opted_out,
    subscribe_date,
    _load_id
FROM {{ source('raw', 'listrak_contacts') }}
