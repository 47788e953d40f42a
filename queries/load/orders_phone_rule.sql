-- The phones SQL did not settle, from Python's normalisation (_phones). An order's phone number,
-- when given, must be a real phone number.
UPDATE _typed AS t
SET phone_number = p.e164,
    _ok = t._ok AND p.e164 IS NOT NULL
FROM _phones AS p
WHERE t._phone_pending AND p.raw = t.phone_raw;
