-- The header of a CSV file (sniffs the dialect; reads only a sample).
DESCRIBE SELECT * FROM read_csv(getvariable('load_path'), all_varchar = true, header = true);
