-- The keys to normalise in Python (lrreport.extract.phones), each once.
SELECT DISTINCT key FROM _phone_keys;
