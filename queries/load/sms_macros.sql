-- SMS segment counting in SQL, computed once per send at load time into raw.sends (characters,
-- encoding, segment_units, segments, has_link): the same rules as lrreport/sms.py (DOMAIN.md),
-- which tests/models/test_sms.py checks these macros against on every BMP character and on
-- random strings. This file is the only SQL home of the rules.
-- Content is counted as sent: each http(s) link (up to the next whitespace) replaced by its
-- 22-character short form. GSM-7 when every character is in the GSM 03.38 basic set or its
-- extension table (extension characters take two septets), 160 septets in one segment, else
-- segments of 153; otherwise UCS-2 in UTF-16 code units, 70 in one segment, else 67 each.
-- Empty (or NULL) content: 0 characters, GSM-7, 0 segments.
-- Speed: a regular expression over every message costs more than reading the file, so cheap
-- exact tests settle the common case and the expressions run only where they can matter:
-- contains() before a replace; plain ASCII text (byte length = character length) holds a
-- character outside GSM-7 only if it has a backtick, DEL or a control character other than LF, CR
-- and FF, and to_json() escapes every control character (and " and \, which just send a message
-- down the exact path), so a JSON form two bytes longer than the text proves there is none.

-- The content as sent: links replaced by 22 characters.
CREATE OR REPLACE TEMP MACRO lr_sms_as_sent(content) AS
    CASE
        WHEN contains(coalesce(content, ''), '://') THEN regexp_replace(
            content, '[hH][tT][tT][pP][sS]?://[^ \t\n\r\f\x0b]+', 'xxxxxxxxxxxxxxxxxxxxxx', 'g'
        )
        ELSE coalesce(content, '')
    END;

-- Whether the content carries at least one http(s) link, given the content as sent: a link
-- starts with "http", so replacing it with x's always changes the text (saves a second scan).
CREATE OR REPLACE TEMP MACRO lr_sms_has_link(content, sent) AS
    sent <> coalesce(content, '');

-- GSM-7 when no character of the text as sent falls outside the basic set and the extension table.
CREATE OR REPLACE TEMP MACRO lr_sms_is_gsm7(sent) AS
    CASE
        WHEN strlen(sent) = length(sent)
            AND NOT contains(sent, '`')
            AND NOT contains(sent, chr(127))
            AND strlen(to_json(sent)) = strlen(sent) + 2
            THEN TRUE
        ELSE NOT regexp_matches(
            sent,
            '[^@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&''()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\^{}\\\[~\]|€\f]'
        )
    END;

-- How many characters of the GSM-7 extension table (^ { } \ [ ~ ] | € FF) the text holds: per
-- character, the bytes a replace() removes over its own bytes (€ is three), counted only when
-- contains() finds it (most texts hold none).
CREATE OR REPLACE TEMP MACRO lr_sms_extension_count(sent) AS
    CASE WHEN contains(sent, '^') THEN strlen(sent) - strlen(replace(sent, '^', '')) ELSE 0 END
    + CASE WHEN contains(sent, '{') THEN strlen(sent) - strlen(replace(sent, '{', '')) ELSE 0 END
    + CASE WHEN contains(sent, '}') THEN strlen(sent) - strlen(replace(sent, '}', '')) ELSE 0 END
    + CASE WHEN contains(sent, '\') THEN strlen(sent) - strlen(replace(sent, '\', '')) ELSE 0 END
    + CASE WHEN contains(sent, '[') THEN strlen(sent) - strlen(replace(sent, '[', '')) ELSE 0 END
    + CASE WHEN contains(sent, '~') THEN strlen(sent) - strlen(replace(sent, '~', '')) ELSE 0 END
    + CASE WHEN contains(sent, ']') THEN strlen(sent) - strlen(replace(sent, ']', '')) ELSE 0 END
    + CASE WHEN contains(sent, '|') THEN strlen(sent) - strlen(replace(sent, '|', '')) ELSE 0 END
    + CASE WHEN contains(sent, '€') THEN (strlen(sent) - strlen(replace(sent, '€', ''))) // 3 ELSE 0 END
    + CASE WHEN contains(sent, chr(12)) THEN strlen(sent) - strlen(replace(sent, chr(12), '')) ELSE 0 END;

-- Septets (GSM-7: extension characters count twice) or UTF-16 code units (UCS-2: characters
-- outside the BMP count twice) of the text as sent. Only UCS-2 text can hold a character outside
-- the BMP, and only text with more bytes than characters.
CREATE OR REPLACE TEMP MACRO lr_sms_units(sent, gsm7) AS
    length(sent) + CASE
        WHEN gsm7 THEN lr_sms_extension_count(sent)
        WHEN strlen(sent) <> length(sent) AND regexp_matches(sent, '[\x{10000}-\x{10FFFF}]')
            THEN length(sent) - length(regexp_replace(sent, '[\x{10000}-\x{10FFFF}]', '', 'g'))
        ELSE 0
    END;

-- Segments for a number of units in an encoding.
CREATE OR REPLACE TEMP MACRO lr_sms_segments(units, gsm7) AS
    CASE
        WHEN units <= 0 THEN 0
        WHEN gsm7 AND units <= 160 THEN 1
        WHEN gsm7 THEN (units + 152) // 153
        WHEN units <= 70 THEN 1
        ELSE (units + 66) // 67
    END;

-- Encoding name.
CREATE OR REPLACE TEMP MACRO lr_sms_encoding(gsm7) AS
    CASE WHEN gsm7 THEN 'GSM-7' ELSE 'UCS-2' END;

-- Every per-send fact of a message content at once, as raw.sends stores them (the repeated
-- sub-expressions are computed once: DuckDB eliminates common sub-expressions).
CREATE OR REPLACE TEMP MACRO lr_sms_facts(content) AS {
    'characters': CAST(length(lr_sms_as_sent(content)) AS INTEGER),
    'encoding': lr_sms_encoding(lr_sms_is_gsm7(lr_sms_as_sent(content))),
    'segment_units': CAST(lr_sms_units(lr_sms_as_sent(content), lr_sms_is_gsm7(lr_sms_as_sent(content))) AS INTEGER),
    'segments': CAST(lr_sms_segments(
        lr_sms_units(lr_sms_as_sent(content), lr_sms_is_gsm7(lr_sms_as_sent(content))),
        lr_sms_is_gsm7(lr_sms_as_sent(content))
    ) AS INTEGER),
    'has_link': lr_sms_has_link(content, lr_sms_as_sent(content))
};
