-- One JSON-lines file into _file, every key read as text (objects and arrays as JSON text); the
-- rowid gives the record number (see lr_row).
CREATE OR REPLACE TEMP TABLE _file AS
SELECT *, getvariable('load_file_idx') AS _file_idx
FROM read_json(getvariable('load_path'), format = 'newline_delimited',
               columns = getvariable('load_json_columns'));
