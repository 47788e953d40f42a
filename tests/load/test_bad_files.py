"""Bad files say what is wrong where (file, line, column) in a line or two; nothing lands; the
failed attempt is in meta.loads; rows with a NUL byte are rejected; raw tables are checked first."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb

from tests.load.conftest import SEND_HEADER, Warehouse, order_row, send_row, write_rows


def _csv_text(rows: list[dict], header: tuple[str, ...] = SEND_HEADER) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r[c] for c in header])
    return buf.getvalue()


def _fails(wh: Warehouse, *args: str) -> str:
    result = wh.run(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "getvariable" not in result.output
    assert len(result.output.strip().splitlines()) <= 3, result.output
    return result.output


def test_duplicate_header_names_are_refused_naming_both(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    text = _csv_text([send_row(1)]).replace("error_code", "http_status", 1)
    path.write_text(text)
    out = _fails(wh, "load", "sends", str(path))
    assert "line 1: the header names column 'http_status' twice (columns 8 and 10)" in out
    assert wh.scalar("SELECT status FROM meta.loads") == "failed"


def test_lines_before_the_header_keep_reject_lines_right(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("Send log export\n" + _csv_text([send_row(1), send_row(2, sender_code_id="x")]))
    result = wh.run("load", "sends", str(path), "--max-rejects", "1")
    assert result.exit_code == 0, result.output
    # title line 1, header line 2, rows on lines 3 and 4
    assert wh.query("SELECT line, column_name FROM meta.rejects") == [(4, "sender_code_id")]


def test_a_broken_jsonl_line_is_named_by_its_own_number(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    lines = [
        json.dumps(send_row(1)),
        json.dumps(send_row(2)),
        '{"send_id": "S3", "sent_at": ',
        json.dumps(send_row(4)),
    ]
    path.write_text("\n".join(lines) + "\n")
    out = _fails(wh, "load", "sends", str(path))
    assert "s.jsonl: line 3, column" in out and "not valid JSON" in out


def test_a_ragged_row_is_called_ragged(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    text = _csv_text([send_row(i) for i in range(1, 4)]).splitlines()
    text[2] = text[2] + ",extra,fields"
    path.write_text("\n".join(text) + "\n")
    out = _fails(wh, "load", "sends", str(path))
    assert "line 3: a ragged row, 12 fields where the header has 10" in out


def test_utf16_is_named_and_encoding_errors_are_short(wh: Warehouse, tmp_path: Path) -> None:
    u16 = tmp_path / "u16.csv"
    u16.write_bytes(_csv_text([send_row(1)]).encode("utf-16"))
    assert "UTF-16" in _fails(wh, "load", "sends", str(u16))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(_csv_text([send_row(1), send_row(2, message_content="Café order")]).encode("latin-1"))
    out = _fails(wh, "load", "sends", str(latin))
    assert "latin.csv: line 3, column" in out and "not UTF-8" in out and "ignore_errors" not in out
    assert wh.scalar("SELECT count(*) FROM meta.loads WHERE status = 'failed'") == 2


def test_a_huge_field_does_not_make_a_huge_message(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    text = _csv_text([send_row(1), send_row(2, sent_at="x" * 3_000_000)])
    path.write_text(text)
    result = wh.run("load", "sends", str(path))
    assert result.exit_code == 1 and len(result.output) < 2000, len(result.output)


def test_a_nul_byte_anywhere_rejects_its_row(wh: Warehouse, tmp_path: Path) -> None:
    rows = [send_row(i) for i in range(1, 2000)]  # well past the first 64 KB
    rows.append(send_row(2000, message_content="Your order\x00 is ready"))
    path = tmp_path / "s.csv"
    path.write_text(_csv_text(rows))
    result = wh.run("load", "sends", str(path), "--max-rejects", "1")
    assert result.exit_code == 0, result.output
    assert wh.query("SELECT line, column_name, reason FROM meta.rejects") == [
        (2001, "message_content", "contains a NUL byte (is the file corrupted?)")
    ]
    assert wh.scalar("SELECT count(*) FROM raw.sends WHERE contains(message_content, chr(0))") == 0


def test_raw_tables_are_checked_and_written_by_column_name(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "s.csv", [send_row(1)])
    assert wh.run("load", "sends", str(tmp_path / "s.csv")).exit_code == 0
    # an older or hand-edited warehouse: raw.sends with phone_raw before phone_number
    con = duckdb.connect(str(wh.path))
    cols = [
        r[0]
        for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'sends'").fetchall()
    ]
    i, j = cols.index("phone_number"), cols.index("phone_raw")
    cols[i], cols[j] = cols[j], cols[i]
    con.execute(f"CREATE TABLE raw.sends2 AS SELECT {', '.join(cols)} FROM raw.sends")
    con.execute("DROP TABLE raw.sends; ALTER TABLE raw.sends2 RENAME TO sends")
    con.close()
    write_rows(tmp_path / "s2.csv", [send_row(2, phone_number="215.555.0002")])
    assert wh.run("load", "sends", str(tmp_path / "s2.csv")).exit_code == 0
    assert wh.query("SELECT phone_number, phone_raw FROM raw.sends WHERE send_id = 'S00002'") == [
        ("+12155550002", "215.555.0002")
    ]
    # a column of another type is refused before anything is read
    con = duckdb.connect(str(wh.path))
    con.execute("ALTER TABLE raw.orders ALTER COLUMN order_total TYPE VARCHAR")
    con.close()
    write_rows(tmp_path / "o.csv", [order_row(1)])
    out = _fails(wh, "load", "orders", str(tmp_path / "o.csv"))
    assert "raw.orders" in out and "column order_total is VARCHAR, expected DECIMAL(18,2)" in out
