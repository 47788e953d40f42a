-- The phones SQL did not settle, from Python's normalisation (_phones). An accepted send (201)
-- needs a real phone number; a failed send may carry any text there (Listrak answers
-- ERROR_INVALID_PHONE_NUMBER) and is kept with phone_number NULL.
UPDATE _typed AS t
SET phone_number = p.e164,
    _ok = t._ok AND (t.http_status <> 201 OR p.e164 IS NOT NULL)
FROM _phones AS p
WHERE t._phone_pending AND p.raw = t.phone_raw;
