-- The distinct bad rows per file (their record numbers are mapped to physical lines in Python).
SELECT DISTINCT _file_idx, _row FROM _rejects ORDER BY _file_idx, _row;
