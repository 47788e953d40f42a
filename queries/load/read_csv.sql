-- One CSV file into _file, every column as text so nothing is coerced on the way in. DuckDB reads
-- in parallel and keeps the file's order, so a row's rowid gives its record number (see lr_row).
CREATE OR REPLACE TEMP TABLE _file AS
SELECT *, getvariable('load_file_idx') AS _file_idx
FROM read_csv(getvariable('load_path'), all_varchar = true, header = true);
