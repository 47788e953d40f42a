-- The two newest builds: the one being published (its id is the _build_id of the rows it wrote)
-- and the one before it, which the snapshot must hold to be brought forward in place.
SELECT invocation_id
FROM meta.lr_builds
ORDER BY started_at DESC
LIMIT 2;
