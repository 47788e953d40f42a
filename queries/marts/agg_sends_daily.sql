-- Grain: one row per business day, sender code and message type with at least one attempt.
-- Key: (day, sender_code_id, message_type).
-- Purpose: delivery volume and cost per day: attempts (every call), and for accepted sends only
-- (what was billed): accepted, unique recipients, segments, multi-segment, UCS-2 and link sends,
-- and sends to numbers that later opted out.
SELECT
    sent_date AS day,
    sender_code_id,
    message_type,
    count(*) AS attempts,
    count(*) FILTER (WHERE accepted) AS accepted,
    count(*) FILTER (WHERE NOT accepted) AS failed,
    count(*) FILTER (WHERE accepted) / count(*) AS acceptance_rate,
    count(DISTINCT phone_number) FILTER (WHERE accepted) AS unique_recipients,
    CAST(coalesce(sum(segments) FILTER (WHERE accepted), 0) AS BIGINT) AS segments,
    count(*) FILTER (WHERE accepted AND segments > 1) AS multi_segment_sends,
    count(*) FILTER (WHERE accepted AND encoding = 'UCS-2') AS ucs2_sends,
    count(*) FILTER (WHERE accepted AND has_link) AS link_sends,
    count(*) FILTER (WHERE accepted AND later_opted_out) AS later_opted_out_sends,
    count(*) FILTER (WHERE accepted AND optout_credited) AS optout_credited_sends
FROM marts.fct_sends
GROUP BY ALL
