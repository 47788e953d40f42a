-- Parsing rules shared by the send-log and orders loaders. Every staged value is text; these
-- macros turn it into a typed value (NULL when it does not parse) or name what is wrong with it.
-- A *_problem macro returns NULL for an empty value: required columns check lr_missing first.

-- The text trimmed as trim() does (characters of Unicode category Zs; in ASCII only the space),
-- NULL when nothing is left. Plain ASCII text (as many bytes as characters) that neither starts
-- nor ends with a space is its own trimmed form: it is kept as is, without copying it.
CREATE OR REPLACE TEMP MACRO lr_text(x) AS
    CASE WHEN strlen(x) = length(x) AND NOT starts_with(x, ' ') AND NOT ends_with(x, ' ') THEN nullif(x, '')
         ELSE nullif(trim(x), '') END;
-- True when a value is absent: NULL, empty or blank (same shortcut as lr_text).
CREATE OR REPLACE TEMP MACRO lr_blank(x) AS
    (x IS NULL OR CASE WHEN strlen(x) = length(x) AND NOT starts_with(x, ' ') THEN x = '' ELSE trim(x) = '' END);

CREATE OR REPLACE TEMP MACRO lr_missing(x) AS
    CASE WHEN lr_text(x) IS NULL THEN 'missing value' END;

-- ISO 8601; without an offset the session zone (UTC) applies, an offset is converted to UTC.
CREATE OR REPLACE TEMP MACRO lr_ts(x) AS TRY_CAST(x AS TIMESTAMPTZ);
CREATE OR REPLACE TEMP MACRO lr_ts_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_ts(x) IS NULL THEN 'unparseable timestamp' END;

-- Whole numbers only: DuckDB's own cast would round '12.5' and read '1e3', so a pattern guards it.
CREATE OR REPLACE TEMP MACRO lr_int(x) AS
    CASE WHEN regexp_full_match(x, '\s*[+-]?[0-9]{1,9}\s*') THEN CAST(x AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO lr_int_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_int(x) IS NULL THEN 'not an integer' END;

-- Money: a non-negative amount with at most two significant decimals (trailing zeros allowed).
CREATE OR REPLACE TEMP MACRO lr_money(x) AS
    CASE WHEN regexp_full_match(lr_text(x), '[0-9]{1,16}(\.[0-9]{0,2}0*)?')
         THEN CAST(lr_text(x) AS DECIMAL(18, 2)) END;
CREATE OR REPLACE TEMP MACRO lr_money_problem(x) AS
    CASE WHEN lr_text(x) IS NULL OR lr_money(x) IS NOT NULL THEN NULL
         WHEN TRY_CAST(lr_text(x) AS DOUBLE) < 0 THEN 'negative amount'
         WHEN regexp_full_match(lr_text(x), '[0-9]+\.[0-9]{3,}') THEN 'more than two decimals'
         ELSE 'not an amount' END;

-- A non-negative number (latency_ms).
CREATE OR REPLACE TEMP MACRO lr_number(x) AS
    CASE WHEN TRY_CAST(lr_text(x) AS DOUBLE) >= 0 THEN TRY_CAST(lr_text(x) AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO lr_number_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_number(x) IS NULL THEN 'not a non-negative number' END;

-- One query-string value of a URL, percent-decoded ('+' is a space in query strings).
CREATE OR REPLACE TEMP MACRO lr_url_param(url, key) AS
    nullif(url_decode(replace(regexp_extract(url, '[?&]' || key || '=([^&#]*)', 1), '+', '%20')), '');

-- The physical name of a staged file by its index in the load.
CREATE OR REPLACE TEMP MACRO lr_source_file(idx) AS getvariable('load_files')[idx + 1];

-- A staged row's 1-based record number in its file: _stage keeps each file's rows in file order,
-- one file after the other, and load_offsets holds the rowid where each file starts.
CREATE OR REPLACE TEMP MACRO lr_row(rid, idx) AS rid - getvariable('load_offsets')[idx + 1] + 1;
