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

-- An order reference: the text without the '#' shops put before an order's name ('#1001' is order
-- 1001, as messages quote it: 'order #1001'), so the send log, a shop's export and its API agree.
CREATE OR REPLACE TEMP MACRO lr_order_ref(x) AS
    nullif(ltrim(lr_text(x), '#'), '');
CREATE OR REPLACE TEMP MACRO lr_order_ref_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_order_ref(x) IS NULL THEN 'only "#", no order id' END;

CREATE OR REPLACE TEMP MACRO lr_missing(x) AS
    CASE WHEN lr_text(x) IS NULL THEN 'missing value' END;

-- Timestamps (lrreport/extract/values.py sets the variables). Read: ISO 8601 with 'T' or a space,
-- with an offset (Z, +hh:mm, -hhmm, +hh, with or without a space before it) or a zone name (IANA
-- or an abbreviation such as EST / PDT / CEST); US or European slash dates (11/20/2026 10:15 PM,
-- read in getvariable('date_order')). A time without an offset or zone is in
-- getvariable('source_tz'). A date alone has no time of day and is not read (not as midnight).
-- The fast case costs one cast: with the source zone UTC (the session zone) DuckDB's own cast
-- reads every ISO form it knows; otherwise a text is naive when appending '+00' still parses.
CREATE OR REPLACE TEMP MACRO lr_ts_other(t) AS coalesce(
    TRY_CAST(regexp_replace(t, '\s+([+-][0-9]{2}(:?[0-9]{2})?)$', '\1') AS TIMESTAMPTZ),
    TRY_CAST(regexp_extract(t, '^(.*[0-9])\s*[A-Za-z]+$', 1)
             || getvariable('tz_abbreviations')[upper(regexp_extract(t, '([A-Za-z]+)$', 1))] AS TIMESTAMPTZ),
    timezone(getvariable('source_tz'), try_strptime(t, getvariable('slash_formats')))
);
CREATE OR REPLACE TEMP MACRO lr_ts_any(t) AS
    CASE
        WHEN t IS NULL OR strlen(t) <= 10 THEN NULL
        WHEN getvariable('source_tz') = 'UTC' THEN coalesce(TRY_CAST(t AS TIMESTAMPTZ), lr_ts_other(t))
        WHEN TRY_CAST(t || '+00' AS TIMESTAMPTZ) IS NOT NULL
            THEN timezone(getvariable('source_tz'), TRY_CAST(t AS TIMESTAMP))
        ELSE coalesce(TRY_CAST(t AS TIMESTAMPTZ), lr_ts_other(t))
    END;
-- A parsed time is kept only within getvariable('earliest_year') .. latest_year: the loader tests
-- this on the parsed value (lr_<rule>_valid, queries/raw/templates/columns.sql), so lr_ts parses once.
-- (compared as instants, not by year(): a calendar field of a TIMESTAMPTZ costs a zone conversion)
CREATE OR REPLACE TEMP MACRO lr_ts_valid(v) AS
    v >= getvariable('earliest_ts') AND v < getvariable('latest_ts');
CREATE OR REPLACE TEMP MACRO lr_ts(x) AS lr_ts_any(x);
CREATE OR REPLACE TEMP MACRO lr_ts_problem(x) AS
    CASE
        WHEN lr_text(x) IS NULL OR lr_ts_valid(lr_ts(x)) THEN NULL
        WHEN lr_ts_any(lr_text(x)) IS NOT NULL
            THEN 'implausible year ' || year(lr_ts_any(lr_text(x))) || ' (accepted: '
                 || getvariable('earliest_year') || '-' || getvariable('latest_year')
                 || ', settings load.earliest_year / load.latest_year)'
        WHEN TRY_CAST(lr_text(x) AS DATE) IS NOT NULL OR try_strptime(lr_text(x), '%m/%d/%Y') IS NOT NULL
            THEN 'a date without a time of day (a date alone is not read as midnight: give the time)'
        WHEN contains(lr_text(x), '/')
            THEN 'unparseable timestamp (slash dates are read ' || getvariable('date_order') || ', setting load.date_order)'
        ELSE 'unparseable timestamp'
    END;

-- Whole numbers only: DuckDB's own cast would round '12.5' and read '1e3', so a pattern guards it.
CREATE OR REPLACE TEMP MACRO lr_int(x) AS
    CASE WHEN regexp_full_match(x, '\s*[+-]?[0-9]{1,9}\s*') THEN CAST(x AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO lr_int_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_int(x) IS NULL THEN 'not an integer' END;

-- Money: a non-negative amount with at most two significant decimals (trailing zeros allowed),
-- written plain (1234.50) or as exports do: a currency symbol or code before or after it
-- ($1,234.50, 1.234,50 EUR), thousands separators (1,234.50 / 1.234,50 / 1 234,50) and a decimal
-- comma (12,50). lr_money_plain is the amount once symbols and separators are gone.
-- The text without a currency symbol or three-letter code around it (and spaces, incl. no-break).
CREATE OR REPLACE TEMP MACRO lr_money_bare(t) AS
    trim(regexp_replace(
        t,
        '^[\s\x{00A0}]*(?:[A-Za-z]{3}|[$€£¥₹]|[A-Z]{1,2}\$)?[\s\x{00A0}]*(.*?)[\s\x{00A0}]*(?:[A-Za-z]{3}|[$€£¥₹])?[\s\x{00A0}]*$',
        '\1'
    ));
CREATE OR REPLACE TEMP MACRO lr_money_plain(t) AS
    CASE
        WHEN regexp_full_match(t, '[0-9]{1,16}(\.[0-9]{0,2}0*)?') THEN t
        WHEN regexp_full_match(lr_money_bare(t), '[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?')
            THEN replace(lr_money_bare(t), ',', '')
        WHEN regexp_full_match(lr_money_bare(t), '[0-9]{1,3}([. ][0-9]{3})+(,[0-9]+)?')
            THEN replace(replace(replace(lr_money_bare(t), '.', ''), ' ', ''), ',', '.')
        WHEN regexp_full_match(lr_money_bare(t), '[0-9]+,[0-9]{1,2}') THEN replace(lr_money_bare(t), ',', '.')
        ELSE lr_money_bare(t)
    END;
CREATE OR REPLACE TEMP MACRO lr_money(x) AS
    CASE WHEN regexp_full_match(lr_money_plain(lr_text(x)), '[0-9]{1,16}(\.[0-9]{0,2}0*)?')
         THEN CAST(lr_money_plain(lr_text(x)) AS DECIMAL(18, 2)) END;
CREATE OR REPLACE TEMP MACRO lr_money_problem(x) AS
    CASE WHEN lr_text(x) IS NULL OR lr_money(x) IS NOT NULL THEN NULL
         WHEN starts_with(lr_money_bare(lr_text(x)), '-') OR starts_with(lr_text(x), '-')
             OR regexp_full_match(lr_text(x), '\(.*\)') THEN 'negative amount'
         WHEN regexp_full_match(lr_money_plain(lr_text(x)), '[0-9]+\.[0-9]{3,}') THEN 'more than two decimals'
         ELSE 'not an amount' END;

-- A non-negative number (latency_ms).
CREATE OR REPLACE TEMP MACRO lr_number(x) AS
    CASE WHEN TRY_CAST(lr_text(x) AS DOUBLE) >= 0 THEN TRY_CAST(lr_text(x) AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO lr_number_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_number(x) IS NULL THEN 'not a non-negative number' END;

-- A three-letter currency code, upper-cased.
CREATE OR REPLACE TEMP MACRO lr_currency(x) AS
    CASE WHEN regexp_full_match(lr_text(x), '[A-Za-z]{3}') THEN upper(lr_text(x)) END;
CREATE OR REPLACE TEMP MACRO lr_currency_problem(x) AS
    CASE WHEN lr_text(x) IS NOT NULL AND lr_currency(x) IS NULL THEN 'not a three-letter currency code' END;

-- One query-string value of a URL, percent-decoded ('+' is a space in query strings).
CREATE OR REPLACE TEMP MACRO lr_url_param(url, key) AS
    nullif(url_decode(replace(regexp_extract(url, '[?&]' || key || '=([^&#]*)', 1), '+', '%20')), '');

-- The physical name of a staged file by its index in the load.
CREATE OR REPLACE TEMP MACRO lr_source_file(idx) AS getvariable('load_files')[idx + 1];

-- A staged row's 1-based record number in its file: _stage keeps each file's rows in file order,
-- one file after the other, and load_offsets holds the rowid where each file starts.
CREATE OR REPLACE TEMP MACRO lr_row(rid, idx) AS rid - getvariable('load_offsets')[idx + 1] + 1;
