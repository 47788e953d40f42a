-- The tables of recomputed keys the incremental models left (queries/macros/incremental.sql), one
-- per model: meta.lr_affected__<model>. Read by the snapshot to bring only those keys forward.
SELECT
    table_name,
    substr(table_name, length('lr_affected__') + 1) AS model
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'meta' AND starts_with(table_name, 'lr_affected__');
