-- The columns and types of one table of the warehouse ($1 schema, $2 table), as DuckDB spells them.
SELECT column_name, data_type
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = ? AND table_name = ?;
