-- Bookkeeping: every load and extraction, the state incremental extraction resumes from, the rows
-- that were rejected and why, and every scheduled report run.
CREATE SCHEMA IF NOT EXISTS meta;

CREATE TABLE IF NOT EXISTS meta.loads (
    load_id        VARCHAR PRIMARY KEY,
    source         VARCHAR NOT NULL,     -- sends, orders, listrak
    target         VARCHAR,              -- raw table(s) written
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    duration_s     DOUBLE,
    rows_in        BIGINT,
    rows_loaded    BIGINT,
    rows_rejected  BIGINT,
    status         VARCHAR NOT NULL,     -- ok, failed, rejected_over_threshold
    detail         VARCHAR,
    files          VARCHAR[]
);

-- Incremental extraction state, written in the same transaction as the rows it describes.
CREATE TABLE IF NOT EXISTS meta.extract_state (
    source      VARCHAR NOT NULL,        -- e.g. listrak.optouts.<sender code>
    key         VARCHAR NOT NULL,        -- e.g. max_opt_out_date
    value       VARCHAR,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE IF NOT EXISTS meta.rejects (
    load_id      VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    file         VARCHAR NOT NULL,
    line         BIGINT,                 -- 1-based line (CSV/JSONL, header = line 1) or row number
    column_name  VARCHAR,
    value        VARCHAR,
    reason       VARCHAR NOT NULL,
    rejected_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS meta.schedule_runs (
    run_id       VARCHAR PRIMARY KEY,
    schedule     VARCHAR NOT NULL,
    notebook     VARCHAR NOT NULL,
    slot_at      TIMESTAMPTZ NOT NULL,   -- the cron slot this run serves
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,       -- running, ok, failed
    output       VARCHAR,
    error        VARCHAR,
    attempt      INTEGER DEFAULT 1,      -- which try at its slot (a failed slot is run again)
    email_status VARCHAR,                -- NULL: nothing to mail; pending, sent, failed
    email_attempts INTEGER DEFAULT 0,
    emailed_at   TIMESTAMPTZ,
    email_error  VARCHAR                 -- the last mailing failure
);
