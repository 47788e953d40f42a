-- The staged text is no longer needed once the rejects are known: free its memory before writing.
DROP TABLE IF EXISTS _stage;
