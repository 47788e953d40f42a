-- One Parquet file into _file, every column cast to text so that the same rules parse it as CSV;
-- the rowid gives the row number (see lr_row).
CREATE OR REPLACE TEMP TABLE _file AS
SELECT CAST(COLUMNS(*) AS VARCHAR), getvariable('load_file_idx') AS _file_idx
FROM read_parquet(getvariable('load_path'));
