-- The latest run of every schedule (by slot, then try, then start time): what `schedule run`
-- resumes from and what `schedule show` prints.
SELECT schedule, notebook, slot_at, started_at, finished_at, status, output, error,
       coalesce(attempt, 1) AS attempt, email_status, coalesce(email_attempts, 0) AS email_attempts,
       email_error
FROM meta.schedule_runs
QUALIFY row_number() OVER (PARTITION BY schedule
                           ORDER BY slot_at DESC, attempt DESC, started_at DESC) = 1
ORDER BY schedule;
