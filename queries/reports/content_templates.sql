-- Accepted sends that go multi-segment or UCS-2, grouped by shell, encoding and their content with
-- links replaced by {link} and digit runs by #, so that one row covers every order number, amount
-- and date of a wording. Names and other varying words still split a wording into several rows:
-- lrreport/reports/content.py merges those into templates. Each row keeps the real content of its
-- longest send, which the cause is computed on. Grain: shell x encoding x masked content.
-- Params: $start, $end, $sender_code_id, $message_type, $message_name.
WITH sends AS (
    SELECT
        f.message_name,
        regexp_replace(regexp_replace(t.message_content, 'https?://\S+', '{link}', 'g'), '[0-9]+', '#', 'g')
            AS masked,
        f.encoding,
        f.segments,
        f.segment_units,
        t.message_content
    FROM marts.fct_sends AS f
    -- the text stays in staging: the mart does not copy it
    INNER JOIN staging.stg_sends AS t ON t.send_id = f.send_id
    WHERE f.accepted
      AND f.sent_date BETWEEN $start AND $end
      AND ($sender_code_id IS NULL OR f.sender_code_id = $sender_code_id)
      AND ($message_type IS NULL OR f.message_type = $message_type)
      AND ($message_name IS NULL OR f.message_name = $message_name)
)

SELECT
    message_name,
    masked,
    encoding,
    count(*) AS sends,
    min(segments) AS min_segments,
    max(segments) AS max_segments,
    arg_max(message_content, segment_units) AS longest
FROM sends
GROUP BY message_name, masked, encoding
HAVING max(segments) > 1 OR encoding = 'UCS-2'
ORDER BY message_name, encoding, sends DESC, masked
