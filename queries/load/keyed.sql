-- The good rows of the batch, for a source whose rows carry their own key.
CREATE OR REPLACE TEMP VIEW _keyed AS
SELECT * FROM _typed WHERE _ok;
