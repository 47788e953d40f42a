"""The same models on Spark over the lake give the golden marts DuckDB gives, row for row.

The golden data (tests/models/golden_data.py, every rule's edge case, with the expected rows worked
out by hand in tests/models/test_golden_marts.py) is built on DuckDB by tests/models/conftest.py and
on Spark local[2] from the lake exported from that same warehouse. Every row of every mart is
compared (order-insensitive, floats to 1e-9), and `lrreport metrics` must print the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from lrreport.config import load_settings
from lrreport.lake.reader import reader_path
from tests.spark.compare import differences, mart_names, same
from tests.spark.conftest import run_cli


def test_every_mart_row_equal_on_both_engines(golden_lake: dict[str, Path]) -> None:
    settings = load_settings(golden_lake["config"]).with_database(golden_lake["database"])
    duck = duckdb.connect(str(golden_lake["database"]), read_only=True)
    lake = duckdb.connect(str(reader_path(settings)), read_only=True)
    try:
        # the 17 marts (source_freshness and the two GA4 marts among them), fct_sends with its 20 golden
        # sends, agg_ga4_sessions_daily with every day GA4 was read for (9) and message type (5)
        assert len(mart_names(duck)) == 17
        assert lake.execute("SELECT count(*) FROM marts.fct_sends").fetchone()[0] == 20
        assert lake.execute("SELECT count(*) FROM marts.agg_ga4_sessions_daily").fetchone()[0] == 9 * 5
        assert differences(duck, lake) == {}
    finally:
        duck.close()
        lake.close()


def _metrics(golden_lake: dict[str, Path], *engine: str) -> list[dict]:
    return json.loads(run_cli(
        "--config", str(golden_lake["config"]), "metrics", "--database", str(golden_lake["database"]),
        "--start", "2024-01-01", "--end", "2024-01-31", "--by", "message_type", "--format", "json", *engine,
    ))


def test_metrics_equal_on_both_engines(golden_lake: dict[str, Path]) -> None:
    on_duckdb = _metrics(golden_lake)
    on_spark = _metrics(golden_lake, "--engine", "spark", "--lake", str(golden_lake["lake"]))
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


def test_data_tests_pass_on_spark(golden_lake: dict[str, Path]) -> None:
    """The dbt data tests run on Spark too (the attribution and send marts' own, to keep it quick)."""
    out = run_cli("--config", str(golden_lake["config"]), "test", "--database", str(golden_lake["database"]),
                  "--engine", "spark", "--lake", str(golden_lake["lake"]),
                  "--select", "fct_sends fct_order_attribution agg_sends_daily")
    assert "data tests passed" in out
