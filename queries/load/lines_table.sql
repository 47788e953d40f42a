-- Record number -> physical line of the rejected rows, computed in Python from the files
-- ($file_idx, $row, $line are parallel lists).
CREATE OR REPLACE TEMP TABLE _lines AS
SELECT unnest($file_idx::INTEGER[]) AS _file_idx, unnest($row::BIGINT[]) AS _row,
       unnest($line::BIGINT[]) AS line;
