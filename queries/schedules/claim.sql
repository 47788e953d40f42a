-- Claim a cron slot for a schedule: inserts a 'running' row only when no run of this schedule
-- serves this slot or a later one. Returns the number of rows inserted (0: already claimed).
INSERT INTO meta.schedule_runs (run_id, schedule, notebook, slot_at, started_at, status)
SELECT $run_id, $schedule, $notebook, $slot_at, $started_at, 'running'
WHERE NOT EXISTS (
    SELECT 1 FROM meta.schedule_runs WHERE schedule = $schedule AND slot_at >= $slot_at
);
