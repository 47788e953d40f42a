-- Content templates that go multi-segment or UCS-2: accepted sends grouped by shell and by their content
-- with links replaced by {link} and digit runs by #, so that one template covers every order number.
-- Grain: shell x template x encoding. Params: $start, $end, $sender_code_id, $message_type,
-- $message_name, $limit (rows).
WITH sends AS (
    SELECT
        f.message_name,
        regexp_replace(regexp_replace(t.message_content, 'https?://\S+', '{link}', 'g'), '[0-9]+', '#', 'g')
            AS template,
        f.encoding,
        f.segments,
        f.characters,
        f.has_link,
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
    template,
    encoding,
    min(segments) AS min_segments,
    max(segments) AS max_segments,
    max(characters) AS max_characters,
    count(*) AS sends,
    bool_or(has_link) AS has_link,
    min(message_content) AS example
FROM sends
GROUP BY message_name, template, encoding
HAVING max(segments) > 1 OR encoding = 'UCS-2'
ORDER BY sends DESC, message_name, template
LIMIT $limit
