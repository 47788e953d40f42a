-- Record number -> physical line of the rejected rows, computed in Python from the files.
CREATE OR REPLACE TEMP TABLE _lines AS SELECT _file_idx, _row, line FROM _lines_arrow;
