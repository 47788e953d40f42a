-- Record how a claimed run ended; a published report that is to be mailed starts 'pending'.
UPDATE meta.schedule_runs
SET finished_at = $finished_at, status = $status, output = $output, error = $error,
    email_status = CASE WHEN $status = 'ok' AND $mail THEN 'pending' END,
    email_attempts = 0
WHERE run_id = $run_id;
