-- Grain: one row per opt-out event of a phone number on a sender code.
-- Key: (sender_code_id, phone_number, opt_out_date).
-- Purpose: opt-outs with E.164 phone numbers; opt_out_date still as Listrak gives it (no offset),
-- read in the configured zone by intermediate.int_optouts.
-- materialized: view
SELECT
    short_code_id AS sender_code_id,
    macros.e164(phone_number) AS phone_number,
    opt_out_date,
    coalesce(nullif(trim(opt_out_reason), ''), 'Unknown') AS reason
FROM raw.listrak_optouts
QUALIFY row_number() OVER (
    PARTITION BY short_code_id, macros.e164(phone_number), opt_out_date ORDER BY _loaded_at DESC, _load_id DESC
) = 1
