"""Data tests: SELECTs under ``queries/tests/`` that return the rows breaking a rule; none = pass.

Convention: one rule per file, named for what it checks (``unique_fct_sends_send_id.sql``), with a
header comment saying why the rule matters. A test passes when its query returns no row; otherwise
the number of offending rows and a sample are reported. Tests run after ``lrreport build`` and on
their own with ``lrreport test``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from lrreport.config import Settings
from lrreport.sqlfiles import queries_dir

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class DataTest:
    """One data test file."""

    name: str
    path: Path
    sql: str

    @property
    def description(self) -> str:
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].strip())
        return " ".join(lines)


@dataclass
class TestResult:
    """The outcome of one data test: offending rows (count and sample) or the error it raised."""

    __test__ = False  # not a pytest class

    name: str
    path: Path
    failures: int
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.failures == 0


@dataclass
class TestRun:
    """Every data test's result."""

    __test__ = False

    results: list[TestResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[TestResult]:
        return [r for r in self.results if not r.ok]

    def report(self) -> str:
        """A plain-text account: one line per failed test with a sample of its rows, then a summary."""
        lines: list[str] = []
        for r in self.failed:
            if r.error:
                lines.append(f"ERROR {r.name} ({r.path.name}): {r.error}")
            else:
                lines.append(f"FAIL  {r.name}: {r.failures} offending row(s); first {len(r.sample)}:")
                text = r.sample.to_string(index=False, max_colwidth=40)
                lines.extend("      " + line for line in text.splitlines())
        passed = sum(r.ok for r in self.results)
        lines.append(f"{passed} of {len(self.results)} data tests passed")
        return "\n".join(lines)


def discover_tests(root: Path | None = None) -> list[DataTest]:
    """Every ``queries/tests/*.sql`` file, sorted by name."""
    root = (root or queries_dir()) / "tests"
    return [DataTest(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.sql"))]


def run_data_tests(
    con: duckdb.DuckDBPyConnection, settings: Settings, select: list[str] | None = None
) -> TestRun:
    """Run the data tests (all, or those named in ``select``) against the built marts on ``con``."""
    from lrreport.warehouse.models import set_variables

    set_variables(con, settings)
    tests = discover_tests()
    if select:
        unknown = sorted(set(select) - {t.name for t in tests})
        if unknown:
            raise ValueError(f"no data test named {', '.join(unknown)}")
        tests = [t for t in tests if t.name in select]
    results = []
    for test in tests:
        sql = test.sql.strip().rstrip(";")
        try:
            sample = con.execute(f"SELECT * FROM (\n{sql}\n) LIMIT {SAMPLE_ROWS}").df()
            failures = len(sample)
            if failures == SAMPLE_ROWS:
                failures = con.execute(f"SELECT count(*) FROM (\n{sql}\n)").fetchone()[0]
            results.append(TestResult(test.name, test.path, failures, sample))
        except duckdb.Error as exc:
            results.append(TestResult(test.name, test.path, 0, error=f"{type(exc).__name__}: {exc}"))
    return TestRun(results)
