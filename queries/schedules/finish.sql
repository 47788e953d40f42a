-- Record how a claimed run ended.
UPDATE meta.schedule_runs
SET finished_at = $finished_at, status = $status, output = $output, error = $error
WHERE run_id = $run_id;
