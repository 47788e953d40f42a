-- Recent runs of one schedule, newest first.
SELECT run_id, slot_at, started_at, finished_at, status, output, error, attempt, email_status,
       email_attempts, emailed_at, email_error
FROM meta.schedule_runs
WHERE schedule = $schedule
ORDER BY slot_at DESC, attempt DESC, started_at DESC
LIMIT $limit;
