"""The same models on Spark over the lake give the golden marts DuckDB gives, row for row.

The golden data (tests/models/golden_data.py, every rule's edge case, with the expected rows worked
out by hand in tests/models/test_golden_marts.py) is built on DuckDB, and on Spark local[2] over a
lake exported from the same rows: in full without what came later, then incrementally once it has
arrived (tests/spark/conftest.py). Every row of every mart is compared (order-insensitive, floats to
1e-9; all but the load id the late rows carry), and `lrreport metrics` must print the same numbers.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from lrreport.config import load_settings
from lrreport.lake.reader import reader_path
from lrreport.reports.data import parameters_of
from lrreport.sqlfiles import queries_dir, read_sql
from lrreport.warehouse.snapshot import open_for_reading
from tests.spark.compare import canonical, differences, mart_names, same
from tests.spark.conftest import SPARK, run_cli

pytestmark = SPARK


def test_every_mart_row_equal_on_both_engines(golden_lake: dict) -> None:
    settings = load_settings(golden_lake["config"]).with_database(golden_lake["database"])
    duck = duckdb.connect(str(golden_lake["duckdb"]), read_only=True)
    lake = duckdb.connect(str(reader_path(settings)), read_only=True)
    try:
        # the 17 marts (source_freshness and the two GA4 marts among them), fct_sends with its 20 golden
        # sends, agg_ga4_sessions_daily with every day GA4 was read for (9) and message type (5)
        assert len(mart_names(duck)) == 17
        assert lake.execute("SELECT count(*) FROM marts.fct_sends").fetchone()[0] == 20
        assert lake.execute("SELECT count(*) FROM marts.agg_ga4_sessions_daily").fetchone()[0] == 9 * 5
        assert differences(duck, lake, skip_columns=("_load_id",)) == {}
    finally:
        duck.close()
        lake.close()


def _metrics(database: Path, config: Path, *engine: str) -> list[dict]:
    return json.loads(run_cli(
        "--config", str(config), "metrics", "--database", str(database),
        "--start", "2024-01-01", "--end", "2024-01-31", "--by", "message_type", "--format", "json", *engine,
    ))


def test_metrics_equal_on_both_engines(golden_lake: dict) -> None:
    on_duckdb = _metrics(golden_lake["duckdb"], golden_lake["config"])
    on_spark = _metrics(golden_lake["database"], golden_lake["config"], "--engine", "spark", "--lake",
                        str(golden_lake["lake"]))
    # tests/models/test_metrics_cli.py works these out by hand: in January, 18 attempts in total
    # (S20 and S21 are sent in December), 15 accepted, 165 attributed; test_ga4_models.py the GA4
    # sessions that name a message: 4 + 3 + 1 = 8
    assert [r["group"] for r in on_spark] == [r["group"] for r in on_duckdb]
    total = next(r for r in on_spark if r["group"] == "total")
    assert (total["attempts"], total["accepted"], total["attributed_revenue"]) == (18, 15, 165.0)
    assert total["sessions"] == 8
    for d, s in zip(on_duckdb, on_spark, strict=True):
        assert d.keys() == s.keys()
        assert all(same(d[k], s[k]) for k in d), (d, s)


def test_data_tests_pass_on_spark(golden_lake: dict) -> None:
    """The dbt data tests run on Spark too (the attribution and send marts' own, to keep it quick)."""
    out = golden_lake["tested"]
    assert "data tests passed" in out and not out.startswith("all 0 ")


# One set of parameters for every report query (each takes the ones it names): January, every
# sender code and message, weekly list changes.
REPORT_PARAMS = {"start": date(2024, 1, 1), "end": date(2024, 1, 31), "sender_code_id": None,
                 "message_type": None, "message_name": None, "limit": 1000, "bin_s": 60, "max_s": 86400,
                 "grain": "week", "target_s": 60}


def test_every_report_query_equal_on_both_engines(golden_lake: dict) -> None:
    """What the notebooks read (queries/reports/*.sql) is the same from the lake as from DuckDB."""
    settings = load_settings(golden_lake["config"]).with_database(golden_lake["database"])
    # the published snapshot, as reports read it
    duck = open_for_reading(load_settings(golden_lake["config"]).with_database(golden_lake["duckdb"]))
    lake = duckdb.connect(str(reader_path(settings)), read_only=True)
    # all but windowed_revenue, which reads a DataFrame the attribution report computes and registers
    names = sorted(p.stem for p in (queries_dir() / "reports").glob("*.sql") if p.stem != "windowed_revenue")
    nonempty = 0
    try:
        for name in names:
            sql = read_sql(f"reports/{name}")
            params = {k: REPORT_PARAMS[k] for k in parameters_of(sql)}
            a = canonical(duck.execute(sql, params).fetchall())
            b = canonical(lake.execute(sql, params).fetchall())
            assert len(a) == len(b), (name, a, b)
            for x, y in zip(a, b, strict=True):
                assert len(x) == len(y) and all(same(u, v) for u, v in zip(x, y, strict=True)), (name, x, y)
            nonempty += bool(a)
    finally:
        duck.close()
        lake.close()
    assert len(names) == 26 and nonempty >= 20, nonempty  # most of them have January rows to compare


def test_report_run_reads_the_lake(golden_lake: dict, tmp_path: Path) -> None:
    """`lrreport report run --engine spark` renders the overview from the marts Spark built."""
    output = tmp_path / "reports"
    run_cli("--config", str(golden_lake["config"]), "report", "run", "overview", "--database",
            str(golden_lake["database"]), "--engine", "spark", "--lake", str(golden_lake["lake"]),
            "--output", str(output), "-p", "start_date=2024-01-01", "-p", "end_date=2024-01-31")
    (html,) = (output / "overview").glob("2*/overview.html")
    (notebook,) = (output / "overview").glob("2*/overview.ipynb")
    settings = load_settings(golden_lake["config"]).with_database(golden_lake["database"])
    assert str(reader_path(settings)) in notebook.read_text(encoding="utf-8")  # it read the lake's file
    assert html.stat().st_size > 0
