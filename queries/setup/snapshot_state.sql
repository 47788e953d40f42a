-- The snapshot's own view of itself, attached as lr_snapshot: the build it holds (the newest row of
-- its copy of meta.lr_builds), how each of its relations is stored (a table or a view) and a table's
-- comment (the digest a copy synced by load was made under).
SELECT
    'build' AS what,
    NULL AS schema_name,
    (SELECT invocation_id FROM lr_snapshot.meta.lr_builds ORDER BY started_at DESC LIMIT 1) AS name,
    NULL AS comment
UNION ALL
SELECT 'table', schema_name, table_name, comment
FROM duckdb_tables()
WHERE database_name = 'lr_snapshot'
UNION ALL
SELECT 'view', schema_name, view_name, NULL
FROM duckdb_views()
WHERE database_name = 'lr_snapshot' AND NOT internal;
