-- The staged text of the order rows that failed a rule, for orders_rejects to say which and why.
CREATE OR REPLACE TEMP TABLE _bad AS
SELECT s.*, t._row, t.phone_number AS _e164
FROM (SELECT _file_idx, _row, phone_number FROM _typed WHERE NOT _ok) AS t
INNER JOIN _stage AS s ON s._file_idx = t._file_idx AND lr_row(s.rowid, s._file_idx) = t._row;
