"""Fixtures shared across test areas: one real demo warehouse per test run.

The warehouse is built by the real pipeline (simulated merchant -> Listrak simulator over HTTP ->
extraction, file loads -> models), once per run even under pytest-xdist: the first worker builds it
under a file lock in the run's shared temp folder, the others reuse it. Tests that write to a
warehouse must copy it (``demo_warehouse_copy``).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from filelock import FileLock

from lrreport.config import Settings, load_settings
from lrreport.sim.conformance import SPEC_ENV, find_spec
from lrreport.sim.generator import MerchantSpec

# Modules that cross-check against Listrak's published spec: everything else the project's own tests
# need is in the project (lrreport/listrak/models.py). CI always has the spec; without it these
# modules are left out and the run's summary says so.
SPEC_MODULES = ["sim/test_conformance.py", "sim/test_conformance_validator.py", "listrak/test_models_spec.py"]
try:
    LISTRAK_SPEC: Path | None = find_spec()
except FileNotFoundError:
    LISTRAK_SPEC = None
collect_ignore = SPEC_MODULES if LISTRAK_SPEC is None else []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say whether the run checked against Listrak's published spec."""
    if LISTRAK_SPEC is None:
        terminalreporter.write_line(
            f"Listrak's published spec was not found (set {SPEC_ENV}, or put shared/listrak/ above the "
            f"project): not cross-checked against it, {', '.join(SPEC_MODULES)} left out",
            yellow=True, bold=True,
        )
    else:
        terminalreporter.write_line(f"cross-checked against Listrak's published spec: {LISTRAK_SPEC}")


# Tests that share an expensive fixture (a JVM and a lake, rendered reports, executed notebooks,
# built warehouses) form an xdist group (``pytestmark = pytest.mark.xdist_group(name)``): under
# `pytest -n 2 --dist loadgroup --no-loadscope-reorder` (make test) a group runs in one worker, so
# its fixture is made once and the other worker never waits for it. Groups go first, the longest
# first (the Spark chain takes about two minutes), so that none is left to run alone at the end.
SLOWEST_FIRST = ("spark", "presentation", "demo", "incremental", "notebooks")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of xdist groups ahead of the others, in the order of SLOWEST_FIRST."""

    def rank(item: pytest.Item) -> int:
        group = item.get_closest_marker("xdist_group")
        if group is None:
            return len(SLOWEST_FIRST) + 1
        name = group.args[0]
        return SLOWEST_FIRST.index(name) if name in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)  # a stable sort: collection order within each rank


# Smaller than the demo so the suite stays quick, with every feature of the story present.
TEST_SPEC = MerchantSpec(seed=11, end_date=date(2026, 11, 15), days=28, contacts=6_000, orders_per_day=150)


@dataclass(frozen=True)
class BuiltWarehouse:
    """Where the shared warehouse is and what the spec behind it was."""

    database: Path
    files_dir: Path
    spec: MerchantSpec

    def settings(self, database: Path | None = None) -> Settings:
        return load_settings(env={}).with_database(database or self.database)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The shared, read-only warehouse built from TEST_SPEC by the real pipeline."""
    from lrreport.demo import build_demo_warehouse

    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp sits in the run's own folder; alone, basetemp is that folder
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-warehouse"
    shared.mkdir(exist_ok=True)
    done = shared / "built.json"
    with FileLock(str(shared / "build.lock")):
        if not done.exists():
            settings = load_settings(env={}).with_database(shared / "warehouse.duckdb")
            build_demo_warehouse(settings, shared, TEST_SPEC)
            done.write_text(json.dumps({"database": str(settings.database_path)}))
    return BuiltWarehouse(shared / "warehouse.duckdb", shared / "files", TEST_SPEC)


@pytest.fixture
def demo_warehouse_copy(demo_warehouse: BuiltWarehouse, tmp_path: Path) -> BuiltWarehouse:
    """A private, writable copy of the shared warehouse."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_warehouse.database, target)
    return BuiltWarehouse(target, demo_warehouse.files_dir, demo_warehouse.spec)
