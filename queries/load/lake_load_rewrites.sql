-- Whether load $load_id is of $source (or the table is rewritten after any load: '*'), so that a table
-- the load may have changed without writing rows of its own is written to the lake again.
SELECT count(*) > 0
FROM meta.loads
WHERE load_id = $load_id AND (source = $source OR $source = '*');
