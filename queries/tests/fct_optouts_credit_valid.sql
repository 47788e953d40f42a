-- One row per opt-out event, and a credited send is an accepted send of the same sender code to
-- the same phone within the opt-out window before the opt-out.
WITH dupes AS (
    SELECT
        sender_code_id, phone_number, opted_out_at, 'duplicate opt-out' AS problem, NULL AS credited_send_id
    FROM {{ ref('fct_optouts') }}
    GROUP BY sender_code_id, phone_number, opted_out_at
    HAVING count(*) > 1
)

SELECT * FROM dupes
UNION ALL
SELECT o.sender_code_id, o.phone_number, o.opted_out_at, 'credited send does not qualify', o.credited_send_id
FROM {{ ref('fct_optouts') }} AS o
LEFT JOIN {{ ref('fct_sends') }} AS s ON s.send_id = o.credited_send_id
WHERE o.credited_send_id IS NOT NULL AND (
        s.send_id IS NULL OR NOT s.accepted
        OR s.sender_code_id <> o.sender_code_id OR s.phone_number <> o.phone_number
        OR s.sent_at > o.opted_out_at
        OR o.opted_out_at >= {{ lr_add_hours('s.sent_at', var('optout_window_hours')) }}
        OR s.message_type IS DISTINCT FROM o.message_type
    )
