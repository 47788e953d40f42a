-- The columns of a Parquet file (from its footer).
DESCRIBE SELECT * FROM read_parquet(getvariable('load_path'));
