-- One JSON-lines file into _file, every key read as text (objects and arrays as JSON text).
CREATE OR REPLACE TEMP TABLE _file AS
SELECT * EXCLUDE (ordinality), ordinality AS _row, getvariable('load_file_idx') AS _file_idx
FROM read_json(getvariable('load_path'), format = 'newline_delimited',
               columns = getvariable('load_json_columns')) WITH ORDINALITY;
