-- SMS segment counting in SQL, at bulk speed: the same rules as lrreport/sms.py (DOMAIN.md).
-- Content is counted as sent: each http(s) link (up to the next whitespace) replaced by its
-- 22-character short form. GSM-7 when every character is in the GSM 03.38 basic set or its
-- extension table (extension characters take two septets), 160 septets in one segment, else
-- segments of 153; otherwise UCS-2 in UTF-16 code units, 70 in one segment, else 67 each.
-- Empty (or NULL) content: 0 characters, GSM-7, 0 segments.
-- Cheap guards (contains, a match before a replace) keep the common case (plain text) fast:
-- a global regexp_replace costs per match, so replacements only run where something matches.
-- tests/models/test_sms.py checks these macros against the Python function on every BMP
-- character and on random strings.
CREATE SCHEMA IF NOT EXISTS macros;

-- The content as sent: links replaced by 22 characters.
CREATE OR REPLACE MACRO macros.sms_as_sent(content) AS
    CASE
        WHEN contains(coalesce(content, ''), '://') THEN regexp_replace(
            content, '[hH][tT][tT][pP][sS]?://[^ \t\n\r\f\x0b]+', 'xxxxxxxxxxxxxxxxxxxxxx', 'g'
        )
        ELSE coalesce(content, '')
    END;

-- Whether the content carries at least one http(s) link, given the content as sent: a link
-- starts with "http", so replacing it with x's always changes the text (saves a second scan).
CREATE OR REPLACE MACRO macros.sms_has_link(content, sent) AS
    sent <> coalesce(content, '');

-- GSM-7 when no character of the text as sent falls outside the basic set and the extension table.
CREATE OR REPLACE MACRO macros.sms_is_gsm7(sent) AS
    NOT regexp_matches(
        sent,
        '[^@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&''()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\^{}\\\[~\]|€\f]'
    );

-- Septets (GSM-7: extension characters count twice) or UTF-16 code units (UCS-2: characters
-- outside the BMP count twice) of the text as sent.
CREATE OR REPLACE MACRO macros.sms_units(sent, gsm7) AS
    length(sent) + CASE
        WHEN gsm7 AND regexp_matches(sent, '[\^{}\\\[~\]|€\f]')
            THEN length(sent) - length(regexp_replace(sent, '[\^{}\\\[~\]|€\f]', '', 'g'))
        WHEN NOT gsm7 AND regexp_matches(sent, '[\x{10000}-\x{10FFFF}]')
            THEN length(sent) - length(regexp_replace(sent, '[\x{10000}-\x{10FFFF}]', '', 'g'))
        ELSE 0
    END;

-- Segments for a number of units in an encoding.
CREATE OR REPLACE MACRO macros.sms_segments(units, gsm7) AS
    CASE
        WHEN units <= 0 THEN 0
        WHEN gsm7 THEN CASE WHEN units <= 160 THEN 1 ELSE (units + 152) // 153 END
        ELSE CASE WHEN units <= 70 THEN 1 ELSE (units + 66) // 67 END
    END;

-- Encoding name.
CREATE OR REPLACE MACRO macros.sms_encoding(gsm7) AS
    CASE WHEN gsm7 THEN 'GSM-7' ELSE 'UCS-2' END;
