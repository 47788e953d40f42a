-- The lrreport tables this file has, to tell a new warehouse from an unversioned older one.
SELECT schema_name || '.' || table_name AS name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name IN ('raw', 'meta');
