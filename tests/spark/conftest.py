"""Fixtures for the Spark tests: one local Spark per test worker, the golden lake built on it once.

A Spark that cannot start (no Java, no pyspark) fails these tests: it never skips them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from lrreport.cli import cli
from tests.models.conftest import golden, golden_settings  # noqa: F401 (the golden DuckDB warehouse)
from tests.models.test_ga4_models import add_ga4_rows


def run_cli(*args: str) -> str:
    """Run ``lrreport ARGS`` in-process; returns its output, fails the test on a non-zero exit."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a pyspark SparkSession
    """The worker's local Spark (local[2]); every Spark build of the worker shares its JVM."""
    from lrreport.lake.spark import local_session

    return local_session(warehouse_dir=str(tmp_path_factory.mktemp("spark-warehouse")))


@pytest.fixture(scope="session")
def golden_lake(golden: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: F811
    """The golden warehouse with the GA4 rows of tests/models/test_ga4_models.py, built on DuckDB,
    exported to a lake and built there on Spark (models only), all by the CLI; then the data tests
    of three marts run on Spark (`lrreport test --engine spark`), their output kept in ``tested``.

    Once per run even under pytest-xdist (as the demo warehouse in tests/conftest.py): the first
    worker builds it under a file lock in the run's shared folder, the others read it, and a worker
    that only reads the lake's marts starts no Spark.
    """
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "golden-spark"
    root.mkdir(exist_ok=True)
    database, lake = root / "golden.duckdb", root / "lake"
    config = str(golden["config"])  # the same text in every worker
    with FileLock(str(root / "build.lock")):
        if not (root / "built").exists():
            shutil.copyfile(golden["database"], database)
            add_ga4_rows(database)
            run_cli("--config", config, "build", "--no-test", "--database", str(database))
            run_cli("--config", config, "lake", "export", "--database", str(database),
                    "--lake", str(lake))
            run_cli("--config", config, "build", "--no-test", "--database", str(database),
                    "--engine", "spark", "--lake", str(lake))
            # the data tests of the attribution and send marts on Spark, while its JVM is warm
            marts = "fct_sends fct_order_attribution agg_sends_daily"
            tested = run_cli("--config", config, "test", "--database", str(database), "--engine", "spark",
                             "--lake", str(lake), "--select", marts)
            (root / "tested.txt").write_text(tested, encoding="utf-8")
            (root / "built").touch()
    return {"config": golden["config"], "database": database, "lake": lake, "tested": root / "tested.txt"}
