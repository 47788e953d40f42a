-- What the accepted sends of a message type cost and carry: segments, multi-segment and UCS-2 shares,
-- share with a link. Grain: one row. Params: $start, $end, $sender_code_id, $message_type, $message_name.
SELECT
    count(*) AS accepted_sends,
    coalesce(sum(segments), 0)::BIGINT AS segments,
    avg(segments) AS segments_per_send,
    avg(CASE WHEN segments > 1 THEN 1.0 ELSE 0.0 END) AS multi_segment_share,
    avg(CASE WHEN encoding = 'UCS-2' THEN 1.0 ELSE 0.0 END) AS ucs2_share,
    avg(CASE WHEN has_link THEN 1.0 ELSE 0.0 END) AS link_share,
    max(characters) AS max_characters
FROM marts.fct_sends
WHERE accepted
  AND sent_date BETWEEN $start AND $end
  AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
  AND ($message_type IS NULL OR message_type = $message_type)
  AND ($message_name IS NULL OR message_name = $message_name)
