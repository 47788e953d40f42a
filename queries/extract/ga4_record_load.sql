-- One row of meta.loads per GA4 extraction (source 'ga4').
INSERT OR REPLACE INTO meta.loads
    (load_id, source, target, started_at, finished_at, duration_s, rows_in, rows_loaded,
     rows_rejected, status, detail, files)
VALUES (?, 'ga4', 'raw.ga4_sessions,raw.ga4_days', ?, ?, ?, ?, ?, 0, ?, ?, ?);
