-- One row per load in meta.loads (written in the same transaction as the data it describes).
INSERT INTO meta.loads
    (load_id, source, target, started_at, finished_at, duration_s, rows_in, rows_loaded,
     rows_rejected, status, detail, files)
VALUES ($load_id, $source, $target, $started_at, $finished_at, $duration_s, $rows_in, $rows_loaded,
        $rows_rejected, $status, $detail, $files);
