-- lrreport shows its own progress, or none: DuckDB's bar would write over it.
SET enable_progress_bar = FALSE;
