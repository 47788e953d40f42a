-- An accepted send (201) needs a real phone number; a failed send may carry any text there
-- (Listrak answers ERROR_INVALID_PHONE_NUMBER) and is kept with phone_number NULL.
UPDATE _typed AS t
SET _ok = FALSE
FROM _phones AS p
WHERE p.raw = t.phone_raw AND p.e164 IS NULL AND t.http_status = 201 AND t._ok;
