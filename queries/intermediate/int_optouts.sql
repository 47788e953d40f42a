-- Grain: one row per opt-out event.
-- Key: (sender_code_id, phone_number, opted_out_at).
-- Purpose: opt-outs in UTC (Listrak's optOutDate read in settings.extract.optout_timezone) with
-- the send they are credited to: the latest accepted send of the same sender code to the same
-- phone with sent_at <= opted_out_at < sent_at + settings.attribution.optout_window_hours; among
-- sends at the same instant the greatest send_id.
WITH optouts AS (
    SELECT
        sender_code_id,
        phone_number,
        opt_out_date,
        timezone(getvariable('lr_optout_timezone'), opt_out_date) AS opted_out_at,
        reason
    FROM staging.stg_optouts
),
candidates AS (
    SELECT
        o.sender_code_id,
        o.phone_number,
        o.opted_out_at,
        s.send_id,
        s.sent_at,
        s.phone_list_id,
        s.transactional_message_id,
        s.message_name,
        s.message_type,
        row_number() OVER (
            PARTITION BY o.sender_code_id, o.phone_number, o.opted_out_at
            ORDER BY s.sent_at DESC, s.send_id DESC
        ) AS rank
    FROM optouts AS o
    JOIN intermediate.int_sends AS s
        ON s.accepted
        AND s.sender_code_id = o.sender_code_id
        AND s.phone_number = o.phone_number
        AND s.sent_at <= o.opted_out_at
        AND o.opted_out_at < s.sent_at + getvariable('lr_optout_window')
)
SELECT
    o.sender_code_id,
    o.phone_number,
    o.opt_out_date,
    o.opted_out_at,
    o.reason,
    c.send_id AS credited_send_id,
    c.sent_at,
    c.phone_list_id,
    c.transactional_message_id,
    c.message_name,
    c.message_type
FROM optouts AS o
LEFT JOIN candidates AS c
    ON c.rank = 1
    AND c.sender_code_id = o.sender_code_id
    AND c.phone_number = o.phone_number
    AND c.opted_out_at = o.opted_out_at
