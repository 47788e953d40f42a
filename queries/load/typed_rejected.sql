-- The rows of the batch that break a rule.
SELECT count(*) FROM _typed WHERE NOT _ok;
