-- The keys of a JSON-lines file (from DuckDB's sample of its first records).
DESCRIBE SELECT * FROM read_json(getvariable('load_path'), format = 'newline_delimited');
