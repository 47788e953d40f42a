-- What a published snapshot holds (lrreport/warehouse/snapshot.py): every relation of the marts and
-- of the intermediate models (the attribution analysis reads them), the staged send log (the message
-- text the content audit reads), the staged phone lists (the list table's type and status) and the
-- build record. Tables first; a view comes with its SQL, which the snapshot keeps as a view when all
-- it reads is in the snapshot too.
SELECT
    schema_name,
    table_name AS relation_name,
    'table' AS kind,
    NULL AS view_sql
FROM duckdb_tables()
WHERE
    database_name = current_database()
    AND (schema_name IN ('marts', 'intermediate') OR (schema_name = 'meta' AND table_name = 'lr_builds'))
UNION ALL
SELECT
    schema_name,
    view_name,
    'view',
    sql
FROM duckdb_views()
WHERE
    database_name = current_database() AND NOT internal
    AND (
        schema_name IN ('marts', 'intermediate')
        OR (schema_name = 'staging' AND view_name IN ('stg_sends', 'stg_phone_lists'))
    )
ORDER BY 3, 1, 2;
