-- Grain: one row per business day, sender code and message type with at least one attempt.
-- Key: (day, sender_code_id, message_type).
-- Purpose: delivery volume and cost per day: attempts (every call), and for accepted sends only
-- (what was billed): accepted, unique recipients, segments, multi-segment, UCS-2 and link sends,
-- and sends to numbers that later opted out.
-- Incremental: recomputes the days of lr_affected_sends().
{{ lr_incremental('day', 'lr_affected_send_days') }}
SELECT
    sent_date AS day,
    sender_code_id,
    message_type,
    count(*) AS attempts,
    count(CASE WHEN accepted THEN 1 END) AS accepted,
    count(CASE WHEN NOT accepted THEN 1 END) AS failed,
    count(CASE WHEN accepted THEN 1 END) / count(*) AS acceptance_rate,
    count(DISTINCT CASE WHEN accepted THEN phone_number END) AS unique_recipients,
    CAST(coalesce(sum(CASE WHEN accepted THEN segments END), 0) AS BIGINT) AS segments,
    count(CASE WHEN accepted AND segments > 1 THEN 1 END) AS multi_segment_sends,
    count(CASE WHEN accepted AND encoding = 'UCS-2' THEN 1 END) AS ucs2_sends,
    count(CASE WHEN accepted AND has_link THEN 1 END) AS link_sends,
    count(CASE WHEN accepted AND later_opted_out THEN 1 END) AS later_opted_out_sends,
    count(CASE WHEN accepted AND optout_credited THEN 1 END) AS optout_credited_sends
FROM {{ ref('fct_sends') }}
{% if is_incremental() -%}
WHERE sent_date IN ({{ lr_affected_keys(lr_affected_send_days) }})
{%- endif %}
GROUP BY sent_date, sender_code_id, message_type
