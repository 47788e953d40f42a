"""Bad rows and bad files: rejects with file, line, column and reason; thresholds; clear errors."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from tests.load.conftest import Warehouse, order_row, send_row, write_rows


def _rejects(wh: Warehouse) -> list[tuple]:
    return wh.query(
        "SELECT regexp_extract(file, '[^/]+$'), line, column_name, value, reason FROM meta.rejects "
        "ORDER BY file, line, column_name"
    )


def test_bad_rows_are_rejected_with_physical_lines_and_good_rows_land(wh: Warehouse, tmp_path: Path) -> None:
    # CSV: a quoted field spanning lines and a blank line shift physical lines away from row numbers
    csv_path = tmp_path / "s.csv"
    rows = [
        send_row(1, message_content="line one\nline two, order #LR1"),  # lines 2-3
        send_row(2, sent_at="yesterday-ish"),  # line 4
        send_row(3),  # line 5, then a blank line 6
        send_row(4, sender_code_id="1.5", http_status="20x"),  # line 7
        send_row(5, phone_number="not-a-phone"),  # line 8 (accepted send: reject)
        send_row(6, phone_number="not-a-phone", http_status="400", error_code="ERROR_INVALID_PHONE_NUMBER"),
        send_row(7, phone_list_id=""),  # line 10
    ]
    write_rows(csv_path, rows)
    text = csv_path.read_bytes().split(b"\r\n")  # csv.writer ends records with CRLF
    text.insert(4, b"")  # a blank line after the 3rd record (line 6)
    csv_path.write_bytes(b"\r\n".join(text))
    # JSONL (gzipped) with a blank line too
    jl = tmp_path / "s.jsonl.gz"
    lines = [
        json.dumps(send_row(10)),
        "",
        json.dumps(send_row(11, transactional_message_id="x")),
        json.dumps(send_row(12, sent_at="2024-13-40T00:00:00Z")),
    ]
    with gzip.open(jl, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    # Parquet: row numbers
    write_rows(tmp_path / "s.parquet", [send_row(20), send_row(21, http_status="99"), send_row(22)])

    result = wh.run(
        "load", "sends", str(csv_path), str(jl), str(tmp_path / "s.parquet"), "--max-rejects", "7"
    )
    assert result.exit_code == 0, result.output
    assert _rejects(wh) == [
        ("s.csv", 4, "sent_at", "yesterday-ish", "unparseable timestamp"),
        ("s.csv", 7, "http_status", "20x", "not an integer"),
        ("s.csv", 7, "sender_code_id", "1.5", "not an integer"),
        ("s.csv", 8, "phone_number", "not-a-phone", "not a phone number"),
        ("s.csv", 10, "phone_list_id", None, "missing value"),
        ("s.jsonl.gz", 3, "transactional_message_id", "x", "not an integer"),
        ("s.jsonl.gz", 4, "sent_at", "2024-13-40T00:00:00Z", "unparseable timestamp"),
        ("s.parquet", 2, "http_status", "99", "not an HTTP status (100-599)"),
    ]
    assert wh.query("SELECT send_id FROM raw.sends ORDER BY send_id") == [
        ("S00001",),
        ("S00003",),
        ("S00006",),
        ("S00010",),
        ("S00020",),
        ("S00022",),
    ]
    assert wh.query("SELECT rows_in, rows_loaded, rows_rejected, status FROM meta.loads") == [
        (13, 6, 7, "ok")
    ]
    assert "rows rejected" in result.output and "not an integer" in result.output


def test_past_the_threshold_nothing_lands_but_rejects_are_recorded(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "s.csv", [send_row(1), send_row(2, sent_at="bad"), send_row(3, sent_at="worse")])
    result = wh.run("load", "sends", str(tmp_path / "s.csv"), "--max-rejects", "1")
    assert result.exit_code != 0
    assert "2 rejected rows exceed --max-rejects 1" in result.output
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 0
    assert wh.query("SELECT line FROM meta.rejects ORDER BY line") == [(3,), (4,)]
    assert wh.query("SELECT status, rows_loaded, rows_rejected FROM meta.loads") == [
        ("rejected_over_threshold", 0, 2)
    ]
    # the default limit is the config's load.max_rejects = 0: any reject fails the load
    assert wh.run("load", "sends", str(tmp_path / "s.csv")).exit_code != 0
    # a percentage of the rows read
    assert wh.run("load", "sends", str(tmp_path / "s.csv"), "--max-rejects", "50%").exit_code != 0
    ok = wh.run("load", "sends", str(tmp_path / "s.csv"), "--max-rejects", "70%")
    assert ok.exit_code == 0, ok.output
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 1


def test_files_that_are_not_what_they_claim_are_clear_errors(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "real.parquet", [send_row(1)])
    shutil.copy(tmp_path / "real.parquet", tmp_path / "fake.csv")
    write_rows(tmp_path / "real.csv", [send_row(1)])
    shutil.copy(tmp_path / "real.csv", tmp_path / "fake.jsonl")
    write_rows(tmp_path / "real.csv.gz", [send_row(1)])
    shutil.copy(tmp_path / "real.csv.gz", tmp_path / "zipped.csv")
    shutil.copy(tmp_path / "real.csv", tmp_path / "plain.csv.gz")
    shutil.copy(tmp_path / "real.csv", tmp_path / "table.parquet")
    (tmp_path / "array.jsonl").write_text(json.dumps([send_row(1)]))
    cases = {
        "fake.csv": "named as CSV but the content is a Parquet file",
        "fake.jsonl": "named as JSON lines but the content is not JSON",
        "zipped.csv": "gzip-compressed but the name does not end in .gz",
        "plain.csv.gz": "named .gz but the content is not gzip-compressed",
        "table.parquet": "named as Parquet but the content is not a Parquet file",
        "array.jsonl": "a JSON array",
    }
    for name, message in cases.items():
        result = wh.run("load", "sends", str(tmp_path / "real.csv"), str(tmp_path / name))
        assert result.exit_code != 0
        assert str(tmp_path / name) in result.output and message in result.output, result.output
    assert not wh.path.exists() or wh.scalar("SELECT count(*) FROM raw.sends") == 0
    missing = wh.run("load", "sends", str(tmp_path / "nope.csv"))
    assert missing.exit_code != 0 and "no such file or folder" in missing.output


def test_missing_required_columns_name_the_file_and_the_columns(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "good.csv", [send_row(1)])
    rows = [{k: v for k, v in send_row(2).items() if k not in ("http_status", "sent_at")}]
    write_rows(tmp_path / "short.jsonl", rows)
    result = wh.run("load", "sends", str(tmp_path / "good.csv"), str(tmp_path / "short.jsonl"))
    assert result.exit_code != 0
    out = " ".join(result.output.split())
    assert f"{tmp_path / 'short.jsonl'}: missing required sends column(s) sent_at, http_status" in out
    assert "the file has send_id, sender_code_id" in out
    assert "Nothing was loaded" in out
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 0  # good.csv did not land either
    assert wh.query("SELECT status FROM meta.loads") == [("failed",)]
    bad_map = wh.run("load", "orders", str(tmp_path / "good.csv"), "--map", "sent_at=ordered_on")
    assert bad_map.exit_code != 0 and "ordered_on" in bad_map.output


def test_order_rejects(wh: Warehouse, tmp_path: Path) -> None:
    rows = [
        order_row(1),
        order_row(2, order_total="-5.00"),
        order_row(3, order_total="12.50.00"),
        order_row(4, status="lost"),
        order_row(5, refunded_total="999.00"),
        order_row(6, phone_number="call me"),
        order_row(7, ordered_at="01/02/2024"),
        order_row(8, order_id=""),
        order_row(9, phone_number=None, status="Canceled", currency="usd"),
    ]
    write_rows(tmp_path / "o.csv", rows)
    result = wh.run("load", "orders", str(tmp_path / "o.csv"), "--max-rejects", "10")
    assert result.exit_code == 0, result.output
    assert [(line, col, reason) for _, line, col, _, reason in _rejects(wh)] == [
        (3, "order_total", "negative amount"),
        (4, "order_total", "not an amount"),
        (
            5,
            "status",
            "unknown status (expected placed, cancelled, refunded or a word mapped in [load] order_statuses)",
        ),
        (6, "refunded_total", "refund exceeds order_total"),
        (7, "phone_number", "not a phone number"),
        (
            8,
            "ordered_at",
            "a date without a time of day (a date alone is not read as midnight: give the time)",
        ),
        (9, "order_id", "missing value"),
    ]
    assert wh.query("SELECT order_id, phone_number, status, currency FROM raw.orders ORDER BY order_id") == [
        ("LR1000001", "+12155550001", "placed", "USD"),
        ("LR1000009", None, "cancelled", "USD"),
    ]
