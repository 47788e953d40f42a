-- The newest good version of each key in the batch (newest_wins).
SELECT count(*) FROM _new;
