-- Grain: one row per Listrak sender code (short code), from its newest snapshot.
-- Key: sender_code_id.
-- Purpose: names and codes for labels.
SELECT
    short_code_id AS sender_code_id,
    code,
    country,
    merchant_name
FROM {{ source('raw', 'listrak_sender_codes') }}
