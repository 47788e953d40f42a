-- Grain: one row per opt-out event.
-- Key: (sender_code_id, phone_number, opted_out_at).
-- Purpose: opt-outs with their business date and reason, and the accepted send they are
-- credited to (the latest send of the same sender code to the phone within var
-- optout_window_hours before the opt-out; NULL when none) with its type and business date.
SELECT
    sender_code_id,
    phone_number,
    opted_out_at,
    {{ lr_local_date('opted_out_at') }} AS opt_out_date,
    opt_out_date AS listrak_opt_out_date,
    reason,
    credited_send_id,
    phone_list_id,
    transactional_message_id,
    message_name,
    message_type,
    sent_at,
    {{ lr_local_date('sent_at') }} AS sent_date,
    {{ lr_seconds_between('sent_at', 'opted_out_at') }} AS seconds_after_send
FROM {{ ref('int_optouts') }}
