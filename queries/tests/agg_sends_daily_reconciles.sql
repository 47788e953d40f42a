-- The daily send aggregate adds up to fct_sends: same attempts, accepted sends and segments.
WITH agg AS (
    SELECT sum(attempts) AS attempts, sum(accepted) AS accepted, sum(segments) AS segments
    FROM {{ ref('agg_sends_daily') }}
),

fct AS (
    SELECT
        count(*) AS attempts, count(*) FILTER (WHERE accepted) AS accepted,
        sum(segments) FILTER (WHERE accepted) AS segments
    FROM {{ ref('fct_sends') }}
)

SELECT agg.*, fct.attempts AS fct_attempts, fct.accepted AS fct_accepted, fct.segments AS fct_segments
FROM agg, fct
WHERE coalesce(agg.attempts, 0) <> fct.attempts OR coalesce(agg.accepted, 0) <> fct.accepted
    OR coalesce(agg.segments, 0) <> coalesce(fct.segments, 0)
