-- The latest run of every schedule (by slot, then start time): what `schedule run` resumes from
-- and what `schedule show` prints.
SELECT schedule, notebook, slot_at, started_at, finished_at, status, output, error
FROM meta.schedule_runs
QUALIFY row_number() OVER (PARTITION BY schedule ORDER BY slot_at DESC, started_at DESC) = 1
ORDER BY schedule;
