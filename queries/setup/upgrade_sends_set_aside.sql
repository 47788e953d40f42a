-- Upgrade of a raw.sends without the per-send SMS facts, step 1: set the old table aside, so that
-- setup/raw_tables creates raw.sends in the current layout (lrreport.warehouse.db.ensure_schema).
ALTER TABLE raw.sends RENAME TO sends_before_facts;
