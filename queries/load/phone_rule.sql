-- The phones SQL did not settle, from Python's normalisation (_phones: e164 NULL when the text is
-- not a phone number); the rows' _ok is then tested again by the declared rules.
UPDATE _typed AS t
SET phone_number = p.e164, _phone_pending = FALSE
FROM _phones AS p
WHERE t._phone_pending AND p.raw = t.phone_raw;
