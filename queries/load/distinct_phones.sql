-- Every distinct phone text of the staged batch with the key Python normalises (each key once):
-- punctuation and spacing are dropped ('(215) 555-0123' and '215.555.0123' share '2155550123'),
-- and in the North American plan (country code 1; getvariable('phone_country_code') is the default
-- region's) a 10-digit number not starting with 1, or 11 digits starting with 1, is certainly
-- '+1' and the national number, so '2155550123', '12155550123' and '+12155550123' share
-- '+12155550123'. Text with letters keeps itself as its key.
CREATE OR REPLACE TEMP TABLE _phone_keys AS
SELECT raw,
       CASE WHEN plus OR getvariable('phone_country_code') <> 1 THEN digits
            WHEN length(digits) = 10 AND digits[1] <> '1' THEN '+1' || digits
            WHEN length(digits) = 11 AND digits[1] = '1' AND digits[2] <> '1' THEN '+' || digits
            ELSE digits
       END AS key
FROM (
    SELECT raw,
           starts_with(ltrim(raw), '+') AS plus,
           CASE WHEN starts_with(ltrim(raw), '+') THEN '+' ELSE '' END
               || regexp_replace(raw, '[^0-9]', '', 'g') AS digits
    FROM (
        SELECT DISTINCT phone_number AS raw
        FROM _stage
        WHERE phone_number IS NOT NULL AND trim(phone_number) <> ''
    )
    WHERE regexp_full_match(raw, '[\s0-9().+/-]+')
)
UNION ALL
SELECT raw, raw AS key
FROM (
    SELECT DISTINCT phone_number AS raw
    FROM _stage
    WHERE phone_number IS NOT NULL AND trim(phone_number) <> ''
)
WHERE NOT regexp_full_match(raw, '[\s0-9().+/-]+');
