-- The schedule's newest published report, when its mail has not gone yet and tries are left
-- (run_id, output); an older report whose mail failed is not retried once a newer one exists.
SELECT run_id, output, email_attempts
FROM (
    SELECT run_id, output, email_status, coalesce(email_attempts, 0) AS email_attempts
    FROM meta.schedule_runs
    WHERE schedule = $schedule AND status = 'ok'
    QUALIFY row_number() OVER (ORDER BY slot_at DESC, started_at DESC) = 1
) AS newest
WHERE email_status IN ('pending', 'failed') AND email_attempts < $max_attempts;
