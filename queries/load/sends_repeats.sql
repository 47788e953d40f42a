-- How many good rows repeat a send_id seen earlier in the same batch (usually none).
SELECT count(*) - count(DISTINCT send_id) FROM _keyed;
