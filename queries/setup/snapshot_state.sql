-- The snapshot's own view of itself, attached as lr_snapshot: the build it holds (the newest row of
-- its copy of meta.lr_builds) and how each of its relations is stored (a table or a view).
SELECT
    'build' AS what,
    NULL AS schema_name,
    (SELECT invocation_id FROM lr_snapshot.meta.lr_builds ORDER BY started_at DESC LIMIT 1) AS name
UNION ALL
SELECT 'table', schema_name, table_name
FROM duckdb_tables()
WHERE database_name = 'lr_snapshot'
UNION ALL
SELECT 'view', schema_name, view_name
FROM duckdb_views()
WHERE database_name = 'lr_snapshot' AND NOT internal;
