-- Grain: one row per opt-out event.
-- Key: (sender_code_id, phone_number, opted_out_at).
-- Purpose: opt-outs in UTC (Listrak's optOutDate read in var optout_timezone) with the send they
-- are credited to: the latest accepted send of the same sender code to the same phone with
-- sent_at <= opted_out_at < sent_at + var optout_window_hours; among sends at the same instant
-- the greatest send_id. Small (opt-outs are few), so rebuilt whole every time.
WITH optouts AS (
    SELECT
        sender_code_id,
        phone_number,
        opt_out_date,
        {{ lr_from_local('opt_out_date', var('optout_timezone')) }} AS opted_out_at,
        reason
    FROM {{ ref('stg_optouts') }}
),

accepted AS (
    SELECT
        s.send_id,
        s.sent_at,
        s.sender_code_id,
        s.phone_number,
        s.phone_list_id,
        s.transactional_message_id
    FROM {{ ref('stg_sends') }} AS s
    WHERE
        s.accepted
        AND s.phone_number IN (SELECT o.phone_number FROM optouts AS o)
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
        row_number() OVER (
            PARTITION BY o.sender_code_id, o.phone_number, o.opted_out_at
            ORDER BY s.sent_at DESC, s.send_id DESC
        ) AS credit_rank
    FROM optouts AS o
    INNER JOIN accepted AS s
        ON
            o.sender_code_id = s.sender_code_id
            AND o.phone_number = s.phone_number
            AND s.sent_at <= o.opted_out_at
            AND o.opted_out_at < {{ lr_add_hours('s.sent_at', var('optout_window_hours')) }}
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
    m.message_name,
    m.message_type
FROM optouts AS o
LEFT JOIN candidates AS c
    ON
        c.credit_rank = 1
        AND o.sender_code_id = c.sender_code_id
        AND o.phone_number = c.phone_number
        AND o.opted_out_at = c.opted_out_at
LEFT JOIN {{ ref('int_messages') }} AS m
    ON
        c.sender_code_id = m.sender_code_id
        AND c.phone_list_id = m.phone_list_id
        AND c.transactional_message_id = m.transactional_message_id
