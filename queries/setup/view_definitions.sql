-- The SQL of every view the models made, in one text (lrreport/warehouse/snapshot.py): a snapshot
-- copy brought level by load is trusted only while the views it was copied under are unchanged,
-- the ones it reads through included (int_orders reads stg_orders).
SELECT coalesce(string_agg(sql, chr(10) ORDER BY schema_name, view_name), '') AS definitions
FROM duckdb_views()
WHERE
    database_name = current_database() AND NOT internal
    AND schema_name IN ('staging', 'intermediate', 'marts');
