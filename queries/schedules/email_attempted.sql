-- Record one try at mailing a run's report: sent (with the time), or failed with the reason.
UPDATE meta.schedule_runs
SET email_status = $email_status,
    email_attempts = coalesce(email_attempts, 0) + 1,
    emailed_at = CASE WHEN $email_status = 'sent' THEN $at END,
    email_error = $email_error
WHERE run_id = $run_id AND email_status IS DISTINCT FROM 'sent';
