"""Fixtures for the Spark tests: one local Spark, and the golden lake built on it once, in two steps.

Every test that uses them is in one xdist group (``pytestmark = SPARK``), so one worker starts a
JVM and builds the lake while the other runs the rest of the suite. A Spark that cannot start (no
Java, no pyspark) fails these tests: it never skips them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import load_settings
from lrreport.lake import write_load
from tests.models.conftest import golden, golden_settings  # noqa: F401 (the golden DuckDB warehouse)
from tests.models.test_ga4_models import add_ga4_rows

# What "came later": the golden rows from CUTOFF on, and the newer version of two older orders
# (LR1001 placed but not yet shipped or delivered, LR1002 placed and not yet refunded).
LATE = {"sends": "sent_at", "orders": "ordered_at", "listrak_optouts": "opt_out_date"}
CUTOFF = "2024-01-20"
CHANGED = ("LR1001", "LR1002")
SPARK = pytest.mark.xdist_group("spark")  # every test that starts Spark: one worker (tests/conftest.py)
DATA_TESTED = "fct_sends fct_order_attribution agg_sends_daily"  # the marts whose data tests run on Spark


def run_cli(*args: str) -> str:
    """Run ``lrreport ARGS`` in-process; returns its output, fails the test on a non-zero exit."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="session")
def spark(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a SparkSession
    """The local Spark (local[2]); every Spark build of the run shares its JVM."""
    from lrreport.lake.spark import local_session

    # xdist marks a grouped test's id "@group"; without it, each worker would start its own JVM
    ungrouped = [item.nodeid for item in request.session.items
                 if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if request.config.getvalue("loadgroup") and ungrouped:
        pytest.fail(f"--dist loadgroup did not group {ungrouped[0]}: this pytest-xdist does not work with "
                    "this pytest (pytest-xdist#1386, see pyproject.toml)")

    return local_session(warehouse_dir=str(tmp_path_factory.mktemp("spark-warehouse")))


def hold_back(database: Path) -> dict[str, int]:
    """Take what came later out of a warehouse's raw tables into ``held``; returns rows held per table."""
    changed = ", ".join(f"'{order}'" for order in CHANGED)
    held = {}
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE SCHEMA held")
        for table, column in LATE.items():
            late = f"FROM raw.{table} WHERE {column} >= '{CUTOFF}'"
            con.execute(f"CREATE TABLE held.{table} AS SELECT * {late}")
            held[table] = con.execute(f"SELECT count(*) FROM held.{table}").fetchone()[0]
            con.execute(f"DELETE {late}")
        con.execute(f"INSERT INTO held.orders SELECT * FROM raw.orders WHERE order_id IN ({changed})")
        con.execute("UPDATE raw.orders SET status = 'placed', refunded_total = NULL, shipped_at = NULL, "
                    f"delivered_at = NULL WHERE order_id IN ({changed})")
    return held


def arrive(database: Path) -> None:
    """What was held back lands as one load (``late``), the newest version of an order replacing the older."""
    changed = ", ".join(f"'{order}'" for order in CHANGED)
    with duckdb.connect(str(database)) as con:
        con.execute(f"DELETE FROM raw.orders WHERE order_id IN ({changed})")
        for table in LATE:
            con.execute(f"INSERT INTO raw.{table} SELECT * REPLACE ('late' AS _load_id) FROM held.{table}")


@pytest.fixture(scope="session")
def golden_lake(golden: dict[str, Path], spark, tmp_path_factory: pytest.TempPathFactory) -> dict:  # noqa: ANN001, F811
    """The golden rows with the GA4 rows of tests/models/test_ga4_models.py, built twice, by the CLI:

    - ``duckdb``: all of them built on DuckDB (the reference);
    - ``database`` and ``lake``: the same rows without what came later exported to a lake and built
      in full on Spark; then what came later loaded (written to the lake the way a load writes it)
      and built incrementally on Spark. ``builds`` holds both builds' output.

    Then the data tests of three marts run on Spark (``lrreport test --engine spark``), their output
    kept in ``tested``.
    """
    root = tmp_path_factory.mktemp("golden-spark")
    reference, database, lake = root / "duckdb.duckdb", root / "lake.duckdb", root / "lake"
    config = str(golden["config"])
    shutil.copyfile(golden["database"], reference)
    add_ga4_rows(reference)
    run_cli("--config", config, "build", "--no-test", "--database", str(reference))

    shutil.copyfile(reference, database)
    held = hold_back(database)
    on_spark = ["--database", str(database), "--engine", "spark", "--lake", str(lake)]
    run_cli("--config", config, "lake", "export", "--database", str(database), "--lake", str(lake))
    first = run_cli("--config", config, "build", "--no-test", *on_spark)
    arrive(database)
    written = write_load(load_settings(golden["config"]).with_database(database).with_lake(lake), "late")
    assert written is not None and set(written.written) == {f"raw.{t}" for t in LATE}
    second = run_cli("--config", config, "build", "--no-test", *on_spark)
    tested = run_cli("--config", config, "test", *on_spark, "--select", DATA_TESTED)
    return {"config": golden["config"], "duckdb": reference, "database": database, "lake": lake,
            "held": held, "builds": (first, second), "tested": tested}
