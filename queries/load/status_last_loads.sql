-- The latest load of each source (sends, orders, listrak ...), whatever its status.
SELECT source, load_id, status, started_at, finished_at, duration_s, rows_in, rows_loaded,
       rows_rejected, detail
FROM meta.loads
QUALIFY row_number() OVER (PARTITION BY source ORDER BY started_at DESC, load_id DESC) = 1
ORDER BY source;
