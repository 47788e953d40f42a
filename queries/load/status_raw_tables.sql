-- The raw tables of the warehouse, for `lrreport status`.
SELECT table_name
FROM information_schema.tables
WHERE table_schema = 'raw'
ORDER BY table_name;
