"""Fixtures for the report tests: a tiny DuckDB warehouse, the test notebooks, one shared good run."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import ReportSettings, Settings

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
FIRST_DAY = "2025-01-01"


def make_warehouse(path: Path) -> Path:
    """A DuckDB file with the one table the test notebooks read: ``daily(day, sends)``."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE OR REPLACE TABLE daily AS "
        f"SELECT DATE '{FIRST_DAY}' + i::INT AS day, 10 * i AS sends FROM range(90) t(i)"
    )
    con.close()
    return path


def test_settings(database: Path, output: Path, **reports: object) -> Settings:
    """Settings pointed at ``database`` and ``output`` with report options overridden."""
    base = Settings().with_database(database)
    return replace(base, reports=replace(ReportSettings(output_dir=str(output)), **reports))


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("warehouse") / "reports.duckdb")


@dataclass(frozen=True)
class GoodRun:
    output: Path
    html: Path
    folder: Path
    stdout: str


def run_cli(*args: str) -> tuple[int, str, str]:
    """``lrreport ARGS`` in-process; returns exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="session")
def good_run(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> GoodRun:
    """One real `lrreport report run figures` shared by the HTML, index and browser tests."""
    output = tmp_path_factory.mktemp("good") / "reports"
    code, out, err = run_cli(
        "report", "run", "figures", "--notebooks", str(NOTEBOOKS), "--database", str(warehouse),
        "--output", str(output), "-p", "start_date=2025-01-05", "-p", "end_date=2025-01-20",
    )  # fmt: skip
    assert code == 0, out + err
    htmls = sorted(output.glob("figures/2*/figures.html"))
    assert len(htmls) == 1, htmls
    return GoodRun(output=output, html=htmls[0], folder=htmls[0].parent, stdout=out)


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
