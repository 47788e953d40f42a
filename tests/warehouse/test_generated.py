"""Files made from the raw-table declarations (dbt's sources, the README column tables) never drift."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from lrreport.warehouse.generated import SOURCES_FILE, generated_files, sources_yaml
from lrreport.warehouse.raw_tables import raw_tables
from tests.warehouse.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_the_checked_in_files_are_what_the_declarations_generate() -> None:
    stale = [str(f.path) for f in generated_files() if not f.is_current()]
    assert stale == [], f"run `lrreport dev generate`: {stale}"
    result = run_cli("dev", "generate", "--check", cwd=ROOT)
    assert result.returncode == 0 and "every generated file is current" in result.stdout, result.stderr


def test_dbt_sources_hold_every_declared_column_with_its_type() -> None:
    (source,) = yaml.safe_load(sources_yaml())["sources"]
    tables = {t["name"]: t for t in source["tables"]}
    assert set(tables) == {t.table_name for t in raw_tables().values()}
    for table in raw_tables().values():
        got = [(c["name"], c["data_type"]) for c in tables[table.table_name]["columns"]]
        assert got == list(table.expected_types().items()), table.name
    # ga4_days declares no _source_file; orders' cancelled_at (migration 5) is there
    assert [c["name"] for c in tables["ga4_days"]["columns"]][-2:] == ["_load_id", "_loaded_at"]
    assert "cancelled_at" in [c["name"] for c in tables["orders"]["columns"]]


def _checkout_copy(tmp_path: Path) -> Path:
    """lrreport's package, queries/ and README in a folder of their own, to change a declaration in."""
    for part in ("lrreport", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "target"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    return tmp_path


def _dev_generate(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lrreport.cli import main; main()", "dev", "generate", *args],
        cwd=copy, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
        timeout=300,
    )


def test_a_changed_declaration_fails_the_check_until_generated(tmp_path: Path) -> None:
    copy = _checkout_copy(tmp_path)
    declaration = copy / "queries" / "raw" / "orders.yml"
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(
        text.replace("description: the customer's email", "description: the buyer's email address"),
        encoding="utf-8",
    )
    check = _dev_generate(copy, "--check")
    assert check.returncode == 1, check.stderr
    assert str(copy / "queries" / SOURCES_FILE) in check.stderr and "README.md" in check.stderr
    wrote = _dev_generate(copy)
    assert wrote.returncode == 0, wrote.stderr
    assert "the buyer's email address" in (copy / "queries" / SOURCES_FILE).read_text(encoding="utf-8")
    assert "| `email` | no | the buyer's email address |" in (copy / "README.md").read_text(encoding="utf-8")
    assert _dev_generate(copy, "--check").returncode == 0
