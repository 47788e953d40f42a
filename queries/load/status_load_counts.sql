-- How many loads each source had, by status.
SELECT source, status, count(*) AS loads
FROM meta.loads
GROUP BY ALL
ORDER BY source, status;
