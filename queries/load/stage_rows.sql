-- The rows of the batch as staged.
SELECT count(*) FROM _stage;
