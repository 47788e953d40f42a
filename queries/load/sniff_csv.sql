-- The dialect DuckDB detects for a CSV file: delimiter, quote and the lines before the header (to
-- read the header and find the physical lines of rejected rows).
SELECT delimiter, quote, skiprows FROM sniff_csv(getvariable('load_path'));
