-- Record that the warehouse is now at schema version $version.
INSERT INTO meta.lr_schema_migrations (version, name, applied_at, lrreport_version)
VALUES ($version, $name, now(), $lrreport_version);
