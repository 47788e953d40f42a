-- The raw text -> E.164 mapping the loaders join back onto the staged rows (e164 NULL: not a phone).
-- $raw and $e164 are parallel lists computed in Python, one entry per distinct raw text.
CREATE OR REPLACE TEMP TABLE _phones AS
SELECT unnest($raw::VARCHAR[]) AS raw, unnest($e164::VARCHAR[]) AS e164;
