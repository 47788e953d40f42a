-- How far each declared source's data reaches (marts.source_freshness), in declaration order, for
-- the reports' header and `lrreport status`. Grain: source.
SELECT source, label, basis, data_until
FROM marts.source_freshness
ORDER BY position
