-- The raw text -> E.164 mapping of the texts SQL did not settle (e164 NULL: not a phone number).
-- $raw and $e164 are parallel lists computed in Python, one entry per distinct text.
CREATE OR REPLACE TEMP TABLE _phones AS
SELECT unnest($raw::VARCHAR[]) AS raw, unnest($e164::VARCHAR[]) AS e164;
