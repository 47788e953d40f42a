-- Rejected values by source, column and reason, with the latest load that had them.
SELECT source, column_name, reason, count(*) AS rejects, max(rejected_at) AS last_rejected_at
FROM meta.rejects
GROUP BY ALL
ORDER BY source, rejects DESC, column_name, reason;
