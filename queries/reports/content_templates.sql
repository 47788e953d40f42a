-- Content templates that go multi-segment or UCS-2: accepted sends grouped by shell and by their content
-- with links replaced by {link} and digit runs by #, so that one template covers every order number.
-- Grain: shell x template x encoding. Params: $start, $end, $sender_code_id, $message_type,
-- $message_name, $limit (rows).
WITH sends AS (
    SELECT
        message_name,
        regexp_replace(regexp_replace(message_content, 'https?://\S+', '{link}', 'g'), '[0-9]+', '#', 'g')
            AS template,
        encoding,
        segments,
        characters,
        has_link,
        message_content
    FROM marts.fct_sends
    WHERE accepted
      AND sent_date BETWEEN $start AND $end
      AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
      AND ($message_type IS NULL OR message_type = $message_type)
      AND ($message_name IS NULL OR message_name = $message_name)
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
