-- The distinct phone texts of the batch that SQL did not settle (not a common North American
-- spelling, or another default region): Python normalises each once (phones.phone_map).
SELECT DISTINCT phone_raw FROM _typed WHERE _phone_pending;
