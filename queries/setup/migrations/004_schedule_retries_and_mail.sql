-- Version 4: a scheduled run knows which try at its slot it is (a failed slot is run again, up to
-- the schedule's max_attempts) and records the mailing of its report (a file without the table gets it
-- whole from setup/meta_tables).
ALTER TABLE IF EXISTS meta.schedule_runs ADD COLUMN IF NOT EXISTS attempt INTEGER DEFAULT 1;
ALTER TABLE IF EXISTS meta.schedule_runs ADD COLUMN IF NOT EXISTS email_status VARCHAR;
ALTER TABLE IF EXISTS meta.schedule_runs ADD COLUMN IF NOT EXISTS email_attempts INTEGER DEFAULT 0;
ALTER TABLE IF EXISTS meta.schedule_runs ADD COLUMN IF NOT EXISTS emailed_at TIMESTAMPTZ;
ALTER TABLE IF EXISTS meta.schedule_runs ADD COLUMN IF NOT EXISTS email_error VARCHAR;
