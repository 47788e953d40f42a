-- Grain: one row per Listrak sender code (short code), from its newest snapshot.
-- Key: sender_code_id.
-- Purpose: names and codes for labels.
-- materialized: view
SELECT
    short_code_id AS sender_code_id,
    code,
    country,
    merchant_name
FROM raw.listrak_sender_codes
QUALIFY row_number() OVER (PARTITION BY short_code_id ORDER BY _loaded_at DESC, _load_id DESC) = 1
