-- The distinct phone texts of the staged batch that SQL does not settle (not a common North
-- American spelling, or another default region): Python normalises each once (phones.phone_map).
SELECT DISTINCT phone_number
FROM _stage
WHERE NOT lr_blank(phone_number) AND lr_phone_national(phone_number) IS NULL;
