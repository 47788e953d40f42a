-- The raw text -> E.164 mapping the loaders join back onto the staged rows (e164 NULL: not a phone).
CREATE OR REPLACE TEMP TABLE _phones AS
SELECT raw, e164 FROM _phones_arrow;
