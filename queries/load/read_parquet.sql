-- One Parquet file into _file, every column cast to text so that the same rules parse it as CSV;
-- _row is the 1-based row number in the file.
CREATE OR REPLACE TEMP TABLE _file AS
SELECT CAST(COLUMNS(* EXCLUDE (file_row_number)) AS VARCHAR),
       file_row_number + 1 AS _row,
       getvariable('load_file_idx') AS _file_idx
FROM read_parquet(getvariable('load_path'), file_row_number = true);
