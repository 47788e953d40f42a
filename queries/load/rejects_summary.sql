-- Rejects of the batch by column and reason, for the load summary.
SELECT column_name, reason, count(*) AS n FROM _rejects GROUP BY ALL ORDER BY n DESC, column_name, reason;
