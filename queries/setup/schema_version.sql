-- The schema version recorded in this warehouse (NULL when no migration was recorded).
SELECT max(version) FROM meta.lr_schema_migrations;
