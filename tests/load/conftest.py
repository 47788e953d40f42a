"""Fixtures of the file-load tests: writers for real csv/jsonl/parquet files and a CLI runner."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from lrreport.cli import cli

SEND_HEADER = (
    "send_id",
    "sent_at",
    "sender_code_id",
    "phone_list_id",
    "transactional_message_id",
    "phone_number",
    "message_content",
    "http_status",
    "resource_id",
    "error_code",
)


def write_rows(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> Path:
    """Write ``rows`` to ``path`` in the format its name says (.csv, .csv.gz, .jsonl, .jsonl.gz, .parquet).

    CSV/JSONL values are written as given (None -> empty / omitted key); Parquet columns are text.
    """
    cols = list(columns or rows[0].keys())
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    if name.endswith(".parquet"):
        table = pa.table({c: pa.array([_text(r.get(c)) for r in rows], pa.string()) for c in cols})
        pq.write_table(table, path)
        return path
    opener: Callable[..., Any] = gzip.open if name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:
        if ".csv" in name:
            writer = csv.writer(fh)
            writer.writerow(cols)
            for r in rows:
                writer.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
        else:
            for r in rows:
                fh.write(json.dumps({c: r[c] for c in cols if r.get(c) is not None}) + "\n")
    return path


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def send_row(i: int, **overrides: Any) -> dict[str, Any]:
    """A valid accepted send; ``i`` makes the id, phone, time and order unique."""
    row = {
        "send_id": f"S{i:05d}",
        "sent_at": f"2024-05-01T{10 + i % 10:02d}:{i % 60:02d}:00Z",
        "sender_code_id": "11",
        "phone_list_id": "22",
        "transactional_message_id": str(300 + i % 3),
        "phone_number": f"(215) 555-{i % 10000:04d}",
        "message_content": f"Acme: Thanks! We got your order #LR{1000000 + i} and are getting it ready.",
        "http_status": "201",
        "resource_id": f"res-{i}",
        "error_code": None,
    }
    row.update(overrides)
    return row


def order_row(i: int, **overrides: Any) -> dict[str, Any]:
    """A valid placed order; ``i`` makes the id, phone and time unique."""
    row = {
        "order_id": f"LR{1000000 + i}",
        "ordered_at": f"2024-05-01T{8 + i % 10:02d}:00:00Z",
        "order_total": f"{50 + i}.25",
        "phone_number": f"215-555-{i % 10000:04d}",
        "email": f"c{i}@example.com",
        "currency": "USD",
        "status": "placed",
        "refunded_total": None,
        "landing_url": None,
    }
    row.update(overrides)
    return row


class Warehouse:
    """A DuckDB file under tmp_path plus the CLI pointed at it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runner = CliRunner()

    def run(self, *args: str) -> Result:
        """``lrreport <args> --database <this file>`` (the subcommand's own options go in ``args``)."""
        return self.runner.invoke(cli, [*args, "--database", str(self.path)], catch_exceptions=False)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            con.execute("SET TimeZone = 'UTC'")
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]


@pytest.fixture
def wh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A fresh warehouse; the working directory is tmp_path so no ./lrreport.toml leaks in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LRREPORT_CONFIG", raising=False)
    monkeypatch.delenv("LRREPORT_DATABASE", raising=False)
    return Warehouse(tmp_path / "wh.duckdb")
