-- Grain: one row per calendar day, 2000-01-01 .. 2099-12-31.
-- Key: date_day.
-- Purpose: the time spine dbt's semantic layer requires (models/marts/_metrics.yml); a view on
-- DuckDB, so it costs nothing. lrreport itself does not read it.
{{ config(materialized=lr_view()) }}
SELECT {{ lr_day_series("DATE '2000-01-01'", "DATE '2099-12-31'") }} AS date_day
