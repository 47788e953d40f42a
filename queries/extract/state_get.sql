-- The stored extraction state of one source and key, e.g. ('listrak.optouts.1001', 'resume_from').
SELECT value FROM meta.extract_state WHERE source = ? AND key = ?;
