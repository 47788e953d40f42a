-- Grain: one row per opt-out event of a phone number on a sender code.
-- Key: (sender_code_id, phone_number, opt_out_date).
-- Purpose: opt-outs as extracted (phones already E.164); opt_out_date still as Listrak gives it
-- (no offset), read in var optout_timezone by int_optouts; a blank reason is 'Unknown'.
SELECT
    short_code_id AS sender_code_id,
    phone_number,
    opt_out_date,
    coalesce(nullif(trim(opt_out_reason), ''), 'Unknown') AS reason,
    _load_id
FROM {{ source('raw', 'listrak_optouts') }}
