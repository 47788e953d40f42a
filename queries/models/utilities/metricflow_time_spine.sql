-- Grain: one row per calendar day, 2000-01-01 .. 2099-12-31.
-- Key: date_day.
-- Purpose: the time spine dbt's semantic layer requires (models/marts/_metrics.yml); a view, so it
-- costs nothing. lrreport itself does not read it.
{{ config(materialized='view') }}
SELECT CAST(range AS DATE) AS date_day
FROM range(DATE '2000-01-01', DATE '2100-01-01', INTERVAL 1 DAY)
