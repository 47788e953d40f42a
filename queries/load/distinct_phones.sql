-- Every distinct phone text of the staged batch with a key that ignores punctuation and spacing
-- ('(215) 555-0123' and '215.555.0123' share '2155550123'), so that Python normalises each number
-- once however many ways it is written. Text with letters keeps itself as its key.
CREATE OR REPLACE TEMP TABLE _phone_keys AS
SELECT raw,
       CASE WHEN regexp_full_match(raw, '[\s0-9().+/-]+')
            THEN CASE WHEN starts_with(ltrim(raw), '+') THEN '+' ELSE '' END
                 || regexp_replace(raw, '[^0-9]', '', 'g')
            ELSE raw
       END AS key
FROM (
    SELECT DISTINCT phone_number AS raw
    FROM _stage
    WHERE phone_number IS NOT NULL AND trim(phone_number) <> ''
);
