-- The warehouse's schema version: one row per migration applied (lrreport/warehouse/migrations.py),
-- or per layout a new warehouse was created in. The current version is the greatest.
CREATE SCHEMA IF NOT EXISTS meta;

CREATE TABLE IF NOT EXISTS meta.lr_schema_migrations (
    version           INTEGER PRIMARY KEY,
    name              VARCHAR NOT NULL,
    applied_at        TIMESTAMPTZ NOT NULL,
    lrreport_version  VARCHAR NOT NULL
);
