-- Grain: one row per business day, sender code, reason and credited message type (NULL for
-- opt-outs no send is credited with).
-- Key: (day, sender_code_id, reason, message_type).
-- Purpose: opt-outs per reason per day, and how many followed a message within the window.
SELECT
    opt_out_date AS day,
    sender_code_id,
    reason,
    message_type,
    count(*) AS optouts
FROM {{ ref('fct_optouts') }}
GROUP BY opt_out_date, sender_code_id, reason, message_type
