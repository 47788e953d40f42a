-- Claim a cron slot for a schedule: inserts a 'running' row as try $attempt at the slot only when
-- no run of this schedule serves a later slot and every earlier try at this slot failed. Returns
-- the number of rows inserted (0: claimed by another process meanwhile).
INSERT INTO meta.schedule_runs (run_id, schedule, notebook, slot_at, started_at, status, attempt)
SELECT $run_id, $schedule, $notebook, $slot_at, $started_at, 'running', $attempt
WHERE NOT EXISTS (
    SELECT 1 FROM meta.schedule_runs
    WHERE schedule = $schedule
      AND (slot_at > $slot_at OR (slot_at = $slot_at AND (status <> 'failed' OR attempt >= $attempt)))
);
