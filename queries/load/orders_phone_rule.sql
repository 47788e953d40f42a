-- An order's phone number, when given, must be a real phone number.
UPDATE _typed AS t
SET _ok = FALSE
FROM _phones AS p
WHERE p.raw = t.phone_raw AND p.e164 IS NULL AND t._ok;
