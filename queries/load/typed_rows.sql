-- The rows of the batch after the parsing pass (a preset's continuation rows left out).
SELECT count(*) FROM _typed;
