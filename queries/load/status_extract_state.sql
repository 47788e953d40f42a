-- Where incremental extraction resumes from.
SELECT source, key, value, updated_at FROM meta.extract_state ORDER BY source, key;
