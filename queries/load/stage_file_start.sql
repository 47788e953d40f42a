-- The rowid where the file just staged starts in _stage (rowids of uncommitted rows start high).
SELECT min(rowid) FROM _stage WHERE _file_idx = getvariable('load_file_idx');
