-- Whether a send_id may repeat within the batch (usually not). Distinct hashes are far cheaper to
-- count than distinct strings; a hash collision only sends the load down the exact, slower path.
SELECT count(*) - count(DISTINCT hash(send_id)) FROM _keyed;
