-- Within the batch the first row of a send_id wins (file order, then row order): drop the others.
DELETE FROM _typed AS t
USING (
    SELECT _file_idx, _row
    FROM (
        SELECT _file_idx, _row,
               row_number() OVER (PARTITION BY send_id ORDER BY _file_idx, _row) AS n
        FROM _typed
        WHERE _ok
    )
    WHERE n > 1
) AS d
WHERE t._file_idx = d._file_idx AND t._row = d._row;
