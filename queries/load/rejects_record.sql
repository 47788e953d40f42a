-- The batch's rejects into meta.rejects, with the physical line of each row (see _lines).
INSERT INTO meta.rejects
SELECT getvariable('load_id'), getvariable('load_source'), lr_source_file(r._file_idx),
       coalesce(l.line, r._row), r.column_name, r.value, r.reason, getvariable('loaded_at')
FROM _rejects AS r
LEFT JOIN _lines AS l ON l._file_idx = r._file_idx AND l._row = r._row
ORDER BY r._file_idx, r._row, r.column_name;
