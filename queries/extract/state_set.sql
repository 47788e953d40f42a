-- Set one extraction state value; runs in the same transaction as the rows it describes.
INSERT OR REPLACE INTO meta.extract_state (source, key, value, updated_at) VALUES (?, ?, ?, now());
