-- The rows handed to the loader by Python (an Arrow table registered as _rows_in) into _file,
-- every column cast to text so that the same rules parse them as a file's; the rowid gives the
-- row number (see lr_row).
CREATE OR REPLACE TEMP TABLE _file AS
SELECT CAST(COLUMNS(*) AS VARCHAR), getvariable('load_file_idx') AS _file_idx
FROM _rows_in;
