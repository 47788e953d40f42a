-- One row of meta.loads per Listrak extraction (source 'listrak').
INSERT OR REPLACE INTO meta.loads
    (load_id, source, target, started_at, finished_at, duration_s, rows_in, rows_loaded,
     rows_rejected, status, detail, files)
VALUES (?, 'listrak', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?);
