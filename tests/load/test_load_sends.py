"""``lrreport load sends``: every format, folders and globs, normalisation, idempotent reloads."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from lrreport.cli import cli
from tests.load.conftest import Warehouse, send_row, write_rows

FORMATS = ("csv", "csv.gz", "jsonl", "jsonl.gz", "parquet")


def _all_sends(wh: Warehouse) -> list[tuple]:
    return wh.query("SELECT * EXCLUDE (_load_id, _loaded_at) FROM raw.sends ORDER BY send_id")


def test_every_format_loads_from_a_folder_and_reloading_changes_nothing(
    wh: Warehouse, tmp_path: Path
) -> None:
    folder = tmp_path / "logs"
    for k, fmt in enumerate(FORMATS):
        rows = [send_row(k * 10 + i) for i in range(4)]
        write_rows(folder / ("nested" if k % 2 else "") / f"part{k}.{fmt}", rows)
    (folder / "notes.txt").write_text("not a send log, ignored in folders")

    result = wh.run("load", "sends", str(folder))
    assert result.exit_code == 0, result.output
    assert re.search(r"rows loaded\s+20\b", result.output)
    assert "steps" not in result.output  # no progress bar when stdout is not a terminal
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 20
    assert wh.scalar("SELECT count(DISTINCT _source_file) FROM raw.sends") == 5
    loads = wh.query("SELECT status, rows_in, rows_loaded, rows_rejected, len(files) FROM meta.loads")
    assert loads == [("ok", 20, 20, 0, 5)]
    # every format gives the same typed values for the same kind of row
    row = wh.query(
        "SELECT sent_at, sender_code_id, phone_list_id, transactional_message_id, phone_number, phone_raw, "
        "http_status, resource_id, error_code, order_id FROM raw.sends WHERE send_id = 'S00041'"
    )[0]
    assert row == (
        datetime(2024, 5, 1, 11, 41, tzinfo=UTC),
        11,
        22,
        302,
        "+12155550041",
        "(215) 555-0041",
        201,
        "res-41",
        None,
        "LR1000041",
    )
    before = _all_sends(wh)

    again = wh.run("load", "sends", str(folder))
    assert again.exit_code == 0, again.output
    assert _all_sends(wh) == before
    assert wh.query("SELECT rows_loaded FROM meta.loads ORDER BY started_at") == [(20,), (0,)]
    assert re.search(r"duplicates skipped\s+20\b", again.output)
    assert re.search(r"rows loaded\s+0\b", again.output)


def test_glob_and_overlapping_files_leave_no_duplicate(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "a.csv", [send_row(i) for i in range(0, 6)])
    write_rows(tmp_path / "b.csv", [send_row(i) for i in range(3, 9)])  # overlaps a.csv on 3..5
    result = wh.run("load", "sends", str(tmp_path / "*.csv"), str(tmp_path / "a.csv"))
    assert result.exit_code == 0, result.output
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 9
    # the first file of the load wins for the overlap
    assert wh.query("SELECT DISTINCT _source_file FROM raw.sends WHERE send_id IN ('S00003', 'S00005')") == [
        (str(tmp_path / "a.csv"),)
    ]
    assert wh.query("SELECT rows_in, rows_loaded FROM meta.loads") == [(12, 9)]


def test_send_id_absent_is_a_stable_content_hash(wh: Warehouse, tmp_path: Path) -> None:
    rows = [send_row(i, send_id=None) for i in range(5)]
    columns = [c for c in rows[0] if c != "send_id"]
    write_rows(tmp_path / "x.jsonl", rows, columns)
    # the same sends in another file and format, phones written another way: the ids hash the
    # normalised values, so they come out the same
    other = [dict(r, phone_number="+1 215 555 " + r["phone_number"][-4:]) for r in rows]
    write_rows(tmp_path / "copy" / "x.csv", other, columns)
    assert wh.run("load", "sends", str(tmp_path / "x.jsonl")).exit_code == 0
    ids = wh.query("SELECT send_id FROM raw.sends ORDER BY sent_at")
    assert len({i for (i,) in ids}) == 5 and all(len(i) == 32 for (i,) in ids)
    result = wh.run("load", "sends", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    assert wh.query("SELECT send_id FROM raw.sends ORDER BY sent_at") == ids


def test_timestamps_phones_order_ids_and_failed_sends(wh: Warehouse, tmp_path: Path) -> None:
    rows = [
        send_row(1, sent_at="2024-05-01 12:30:00+02:00", phone_number="+1 (215) 555-0101"),
        send_row(2, sent_at="2024-05-01T10:30:00", phone_number="12155550102"),
        send_row(3, sent_at="2024-05-01T06:30:00-04:00", phone_number="215.555.0103"),
        send_row(4, phone_number="+44 20 7946 0958", message_content="Your ORDER no. AB-77 shipped"),
        send_row(5, message_content="No order mentioned here"),
        send_row(
            6,
            phone_number="12345",
            http_status="400",
            resource_id=None,
            error_code="ERROR_INVALID_PHONE_NUMBER",
        ),
        send_row(
            7,
            phone_number="+12155550107",
            http_status="400",
            resource_id=None,
            error_code="ERROR_PHONE_NUMBER_NOT_SUBSCRIBED",
        ),
    ]
    write_rows(tmp_path / "s.csv", rows)
    result = wh.run("load", "sends", str(tmp_path / "s.csv"))
    assert result.exit_code == 0, result.output
    got = wh.query(
        "SELECT send_id, sent_at, phone_number, phone_raw, order_id, http_status, error_code "
        "FROM raw.sends ORDER BY send_id"
    )
    t = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert got[0][1:5] == (t, "+12155550101", "+1 (215) 555-0101", "LR1000001")
    assert got[1][1:3] == (t, "+12155550102")
    assert got[2][1:3] == (t, "+12155550103")
    assert got[3][2] == "+442079460958" and got[3][4] == "AB-77"
    assert got[4][4] is None
    assert got[5][2:4] == (None, "12345") and got[5][5:] == (400, "ERROR_INVALID_PHONE_NUMBER")
    assert got[6][2] == "+12155550107"


def test_order_id_column_wins_over_the_content_and_regex_is_configurable(
    wh: Warehouse, tmp_path: Path
) -> None:
    rows = [
        send_row(1, order_id="EXPLICIT-1"),
        send_row(2, order_id=""),
        send_row(3, order_id=None, message_content="Ref R-998 has shipped"),
    ]
    write_rows(tmp_path / "s.csv", rows, [*rows[0].keys()])
    (tmp_path / "lrreport.toml").write_text('[load]\norder_id_regex = "(?:order #|Ref )([A-Z0-9-]+)"\n')
    result = wh.runner.invoke(
        cli,
        [
            "--config",
            str(tmp_path / "lrreport.toml"),
            "load",
            "sends",
            str(tmp_path / "s.csv"),
            "--database",
            str(wh.path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert wh.query("SELECT order_id FROM raw.sends ORDER BY send_id") == [
        ("EXPLICIT-1",),
        ("LR1000002",),
        ("R-998",),
    ]


def test_column_map_from_option_and_config(wh: Warehouse, tmp_path: Path) -> None:
    rows = [send_row(i) for i in range(3)]
    renamed = [
        {("Timestamp" if k == "sent_at" else "Mobile" if k == "phone_number" else k): v for k, v in r.items()}
        for r in rows
    ]
    write_rows(tmp_path / "export.csv", renamed)
    result = wh.run(
        "load",
        "sends",
        str(tmp_path / "export.csv"),
        "--map",
        "Timestamp=sent_at",
        "--map",
        "mobile=phone_number",
    )
    assert result.exit_code == 0, result.output
    assert wh.scalar("SELECT count(*) FROM raw.sends WHERE phone_number LIKE '+1215555%'") == 3

    # the same through the config's [load] sends_columns
    (tmp_path / "cfg.toml").write_text(
        '[load.sends_columns]\nTimestamp = "sent_at"\nMobile = "phone_number"\n'
    )
    other = [dict(r, send_id=f"T{i}") for i, r in enumerate(renamed)]
    write_rows(tmp_path / "export2.csv", other)
    result = wh.runner.invoke(
        cli,
        [
            "--config",
            str(tmp_path / "cfg.toml"),
            "load",
            "sends",
            str(tmp_path / "export2.csv"),
            "--database",
            str(wh.path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 6
