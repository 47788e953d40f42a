-- Phone numbers in SQL for the common North American spellings (lrreport/extract/phones.py has
-- the rule and its proof; lr_nanp_valid is created there from phonenumbers' metadata). A text
-- these macros do not settle (lr_phone_national NULL) is normalised in Python, once per text.

-- The 10-digit national number of a phone text written as '+1', '1' or nothing, then the area
-- code (first digit 2-9, bare or in parentheses), exchange and line with optional spaces, dots or
-- hyphens between them (spaces around the text ignored); NULL for any other text, and for every
-- text when the default region reads numbers otherwise (getvariable('phone_nanp') false). The
-- two spellings that need no clean-up are tried first, without a replace.
CREATE OR REPLACE TEMP MACRO lr_phone_national(raw) AS
    CASE
        WHEN NOT getvariable('phone_nanp') THEN NULL
        WHEN regexp_full_match(raw, '(?:\+?1)?[2-9][0-9]{9}') THEN right(raw, 10)
        WHEN regexp_full_match(raw, '\([2-9][0-9]{2}\) [0-9]{3}-[0-9]{4}')
            THEN raw[2:4] || raw[7:9] || raw[11:14]
        WHEN regexp_full_match(
            trim(raw), '(?:\+?1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-]?)[0-9]{3}[ .-]?[0-9]{4}'
        ) THEN right(regexp_replace(raw, '[^0-9]', '', 'g'), 10)
    END;

-- The E.164 form of a national number from lr_phone_national: '+1' and the number when it is a
-- valid number, else NULL (not a phone number).
CREATE OR REPLACE TEMP MACRO lr_nanp_e164(nsn) AS
    CASE WHEN lr_nanp_valid(nsn) THEN '+1' || nsn END;

-- The phone rule as the declared parse `phone` (queries/raw/*.yml) names it: E.164 when SQL settles
-- the text; the loader's Python pass fills in the others and lr_phone_problem names the failures.
CREATE OR REPLACE TEMP MACRO lr_phone(raw) AS lr_nanp_e164(lr_phone_national(raw));
CREATE OR REPLACE TEMP MACRO lr_phone_problem(raw) AS 'not a phone number';
