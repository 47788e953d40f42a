-- The lake's record of Spark builds (its Parquet files, $files) copied into the reader's DuckDB file.
CREATE TABLE meta.lr_builds AS
SELECT * FROM read_parquet($files, hive_partitioning = TRUE);
