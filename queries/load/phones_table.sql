-- The raw text -> E.164 mapping the loaders join back onto the staged rows (e164 NULL: not a phone).
-- $key and $e164 are parallel lists computed in Python, one entry per distinct key.
CREATE OR REPLACE TEMP TABLE _phones AS
SELECT k.raw, m.e164
FROM _phone_keys AS k
LEFT JOIN (SELECT unnest($key::VARCHAR[]) AS key, unnest($e164::VARCHAR[]) AS e164) AS m
    ON m.key = k.key;
