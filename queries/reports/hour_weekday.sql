-- Send attempts and accepted sends by weekday (1 = Monday) and hour of day, business time zone, as
-- the average per occurrence of that weekday in the period: a month with five Sundays and four
-- Mondays divides Sunday's sends by five and Monday's by four, so no weekday looks busier for
-- occurring more often. Grain: weekday x hour (hours without a send are absent; a weekday of the
-- period without any send has one row with a NULL hour, so its number of days is still known).
-- Params: $start, $end, $sender_code_id, $message_type, $message_name (NULL: all).
WITH occurrences AS (
    SELECT
        isodow(t.day) AS sent_isodow,
        count(*) AS days
    FROM generate_series($start::TIMESTAMP, $end::TIMESTAMP, INTERVAL 1 DAY) AS t (day)
    GROUP BY ALL
),

counts AS (
    SELECT
        sent_isodow,
        sent_hour,
        count(*) AS sends,
        count(*) FILTER (WHERE accepted) AS accepted
    FROM marts.fct_sends
    WHERE sent_date BETWEEN $start AND $end
      AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
      AND ($message_type IS NULL OR message_type = $message_type)
      AND ($message_name IS NULL OR message_name = $message_name)
    GROUP BY ALL
)

SELECT
    o.sent_isodow,
    c.sent_hour,
    coalesce(c.sends, 0) AS sends,
    coalesce(c.accepted, 0) AS accepted,
    o.days,
    coalesce(c.sends, 0) / o.days AS sends_per_day,
    coalesce(c.accepted, 0) / o.days AS accepted_per_day
FROM occurrences AS o
LEFT JOIN counts AS c ON c.sent_isodow = o.sent_isodow
ORDER BY o.sent_isodow, c.sent_hour
