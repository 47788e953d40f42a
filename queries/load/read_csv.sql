-- One CSV file into _file, every column as text so nothing is coerced on the way in; _row is the
-- reader's 1-based record number (mapped to a physical line for rejects).
CREATE OR REPLACE TEMP TABLE _file AS
SELECT * EXCLUDE (ordinality), ordinality AS _row, getvariable('load_file_idx') AS _file_idx
FROM read_csv(getvariable('load_path'), all_varchar = true, header = true) WITH ORDINALITY;
