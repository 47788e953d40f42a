"""``lrreport status``: what is loaded, the last load per source, rejects, on a real warehouse."""

from __future__ import annotations

import json
from pathlib import Path

from tests.load.conftest import Warehouse, order_row, send_row, write_rows


def test_status_reports_counts_ranges_loads_and_rejects(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "s.csv", [send_row(1), send_row(2, sent_at="2024-05-03T08:00:00Z"), send_row(3)])
    write_rows(tmp_path / "o.csv", [order_row(1), order_row(2, order_total="-1")])
    assert wh.run("load", "sends", str(tmp_path / "s.csv")).exit_code == 0
    assert wh.run("load", "orders", str(tmp_path / "o.csv")).exit_code != 0  # 1 reject, limit 0

    result = wh.run("status", "--format", "json")
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    tables = {t["table"]: t for t in status["tables"]}
    assert tables["raw.sends"]["rows"] == 3
    assert tables["raw.sends"]["first"] == "2024-05-01T11:01:00+00:00"
    assert tables["raw.sends"]["last"] == "2024-05-03T08:00:00+00:00"
    assert tables["raw.orders"]["rows"] == 0
    assert "raw.listrak_optouts" in tables
    last = {row["source"]: row for row in status["last_loads"]}
    assert last["sends"]["status"] == "ok" and last["sends"]["rows_loaded"] == 3
    assert last["orders"]["status"] == "rejected_over_threshold" and last["orders"]["rows_rejected"] == 1
    assert [(r["source"], r["column_name"], r["reason"], r["rejects"]) for r in status["rejects"]] == [
        ("orders", "order_total", "negative amount", 1)
    ]
    assert status["extract_state"] == []

    table = wh.run("status")
    assert table.exit_code == 0, table.output
    for text in (
        "raw.sends",
        "rejected_over_threshold",
        "negative amount",
        "no extraction state yet",
        "orders loads so far: 1 rejected_over_threshold",
    ):
        assert text in table.output


def test_status_on_a_missing_warehouse_says_what_to_do(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "nothing-here.duckdb")
    result = wh.run("status")
    assert result.exit_code != 0
    assert "no warehouse at" in result.output and "lrreport load sends" in result.output
    assert not wh.path.exists()
