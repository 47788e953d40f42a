-- Recent runs of one schedule, newest first.
SELECT run_id, slot_at, started_at, finished_at, status, output, error
FROM meta.schedule_runs
WHERE schedule = $schedule
ORDER BY slot_at DESC, started_at DESC
LIMIT $limit;
