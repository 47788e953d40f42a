"""`lrreport extract ga4 --lake`: the lake's GA4 tables hold exactly the warehouse's, revisions included.

A GA4 extraction can remove rows of a day it re-read without writing new ones (GA4 revised the day
down), so the rows a load wrote cannot tell what it changed: the two small GA4 tables are written
whole after every GA4 extraction (lrreport/lake/layout.py, rewritten_by).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tests.extract_ga4.conftest import config_for, ga4, run_extract, session_ga4  # noqa: F401


def lake_minus_warehouse(db: Path, lake: Path, table: str) -> int:
    """Rows in one of the two and not the other."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    files = lake / "raw" / table / "data.parquet"
    try:
        return con.execute(
            f"SELECT (SELECT count(*) FROM (FROM raw.{table} EXCEPT ALL FROM read_parquet('{files}')))"
            f" + (SELECT count(*) FROM (FROM read_parquet('{files}') EXCEPT ALL FROM raw.{table}))"
        ).fetchone()[0]
    finally:
        con.close()


def test_revised_ga4_days_reach_the_lake(ga4, config_for, run_extract, tmp_path: Path) -> None:  # noqa: ANN001, F811
    db, lake = tmp_path / "w.duckdb", tmp_path / "lake"
    config = config_for(ga4)
    ga4.as_of = date(2026, 11, 14)  # the 12th..14th are not final yet
    first = run_extract(config, db, "--until", "2026-11-14", "--lake", str(lake))
    assert first.exit_code == 0, first.output
    assert "file(s) written" in first.output
    ga4.as_of = date(2026, 11, 17)  # three days later GA4 has finished them: rows revised and removed
    second = run_extract(config, db, "--until", "2026-11-17", "--lake", str(lake))
    assert second.exit_code == 0, second.output
    assert " 0 removed" not in second.output  # the re-read days did change
    for table in ("ga4_sessions", "ga4_days"):
        assert lake_minus_warehouse(db, lake, table) == 0, table
    with duckdb.connect(str(db), read_only=True) as con:
        days = con.execute("SELECT count(*) FROM raw.ga4_days").fetchone()[0]
        sessions = con.execute("SELECT count(*) FROM raw.ga4_sessions").fetchone()[0]
    assert days == 17 and sessions > 0  # the 1st (history_start) to the 17th
    assert (lake / "meta" / "extract_state" / "data.parquet").is_file()  # where the next run resumes
