-- The columns raw.sends has in this warehouse (none when it does not exist yet).
SELECT column_name
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'raw' AND table_name = 'sends';
