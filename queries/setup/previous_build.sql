-- The build before the newest one (the newest is the build being published), or no row.
SELECT invocation_id
FROM meta.lr_builds
ORDER BY started_at DESC
LIMIT 1 OFFSET 1;
