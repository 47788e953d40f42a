-- Grain: one row per contact on an SMS list, from its newest extraction.
-- Key: (sender_code_id, phone_list_id, phone_number).
-- Purpose: subscribe dates for list health.
-- materialized: view
SELECT
    short_code_id AS sender_code_id,
    phone_list_id,
    macros.e164(phone_number) AS phone_number,
    opted_out,
    subscribe_date
FROM raw.listrak_contacts
QUALIFY row_number() OVER (
    PARTITION BY short_code_id, phone_list_id, macros.e164(phone_number) ORDER BY _loaded_at DESC, _load_id DESC
) = 1
