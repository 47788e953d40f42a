-- Whether the lake's record of Spark builds (its Parquet files, $files) holds a build that finished well.
SELECT count(*) > 0
FROM read_parquet($files, hive_partitioning = TRUE)
WHERE status = 'ok';
