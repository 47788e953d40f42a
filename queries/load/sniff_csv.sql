-- The dialect DuckDB detected for a CSV file (to find physical lines of rejected rows).
SELECT Delimiter, Quote FROM sniff_csv(getvariable('load_path'));
