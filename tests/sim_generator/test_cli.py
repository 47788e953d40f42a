"""``lrreport sim generate`` as a user runs it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from click.testing import CliRunner

from lrreport.cli import cli

ARGS = ["--days", "3", "--orders-per-day", "40", "--contacts", "500", "--end-date", "2025-03-31"]


def test_generate_writes_readable_files(tmp_path: Path) -> None:
    out = tmp_path / "files"
    result = CliRunner().invoke(cli, ["sim", "generate", "--out", str(out), "--format", "parquet", *ARGS])
    assert result.exit_code == 0, result.output
    rows = [int(n.replace(",", "")) for n in re.findall(r"\(([\d,]+) rows\)", result.output)]
    assert len(rows) == 2 and rows[0] > 0
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{out / 'sends.parquet'}'").fetchone()[0] == rows[0]
    assert con.execute(f"SELECT count(*) FROM '{out / 'orders.parquet'}'").fetchone()[0] == rows[1]
    assert "2025-03-31" in result.output


def test_generate_gzip_csv_is_deterministic_and_seeded(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        result = runner.invoke(
            cli, ["sim", "generate", "--out", str(tmp_path / name), "--gzip", "--seed", seed, *ARGS]
        )
        assert result.exit_code == 0, result.output
    a, b, c = ((tmp_path / n / "sends.csv.gz").read_bytes() for n in "abc")
    assert a == b != c


def test_generate_refuses_gzip_parquet(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["sim", "generate", "--out", str(tmp_path), "--format", "parquet", "--gzip", *ARGS]
    )
    assert result.exit_code != 0 and "parquet" in result.output
    assert not list(tmp_path.iterdir())
