-- Runs still marked 'running' whose process is gone (the caller holds the schedule's lock, so no
-- live process can own them) are closed as failed; their slot stays served.
UPDATE meta.schedule_runs
SET finished_at = $now, status = 'failed',
    error = 'the process running this report ended before it finished (killed or crashed)'
WHERE schedule = $schedule AND status = 'running';
