-- Grain: one row per opt-out event.
-- Key: (sender_code_id, phone_number, opted_out_at).
-- Purpose: opt-outs with their business date and reason, and the accepted send they are
-- credited to (the latest send of the same sender code to the phone within
-- settings.attribution.optout_window_hours before the opt-out; NULL when none) with its type.
SELECT
    sender_code_id,
    phone_number,
    opted_out_at,
    CAST(timezone(getvariable('lr_timezone'), opted_out_at) AS DATE) AS opt_out_date,
    opt_out_date AS listrak_opt_out_date,
    reason,
    credited_send_id,
    phone_list_id,
    transactional_message_id,
    message_name,
    message_type,
    sent_at,
    CAST(timezone(getvariable('lr_timezone'), sent_at) AS DATE) AS sent_date,
    epoch(opted_out_at) - epoch(sent_at) AS seconds_after_send
FROM intermediate.int_optouts
