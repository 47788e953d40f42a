"""Opening the warehouse: only DuckDB files, created only by loads, migrated on open, newer refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from lrreport import __version__
from lrreport.cli import cli
from lrreport.config import load_settings
from lrreport.warehouse.db import connect
from lrreport.warehouse.errors import WarehouseError
from lrreport.warehouse.migrations import SCHEMA_VERSION
from tests.load.conftest import Warehouse, send_row, write_rows
from tests.load.test_send_facts import OLD_RAW_SENDS


def test_a_data_file_given_as_database_is_refused_and_left_alone(wh: Warehouse, tmp_path: Path) -> None:
    sends = write_rows(tmp_path / "sends.csv", [send_row(i) for i in range(3)])
    before = sends.read_bytes()
    result = wh.runner.invoke(
        cli,
        ["load", "sends", "--database", str(sends), str(sends)],
    )
    assert result.exit_code == 1
    assert f"{sends} is not a DuckDB file" in result.output
    assert "rows loaded" not in result.output
    assert sends.read_bytes() == before  # DuckDB would have written a database into it


@pytest.mark.parametrize(
    "args",
    [
        ("build",),
        ("test",),
        ("status",),
        ("metrics", "--start", "2024-05-01", "--end", "2024-05-02"),
    ],
)
def test_commands_that_do_not_load_never_create_a_warehouse(wh: Warehouse, args: tuple[str, ...]) -> None:
    typo = wh.path.with_name("typo.duckdb")
    result = wh.runner.invoke(cli, [*args, "--database", str(typo)])
    assert result.exit_code == 1, result.output
    assert f"no warehouse at {typo}" in result.output
    assert "tests passed" not in result.output
    assert not typo.exists()
    assert not (typo.parent / ".lrreport").exists()  # not even dbt's profile


def test_a_load_creates_a_missing_warehouse_and_says_so(wh: Warehouse, tmp_path: Path) -> None:
    sends = write_rows(tmp_path / "sends.csv", [send_row(i) for i in range(3)])
    result = wh.run("load", "sends", str(sends))
    assert result.exit_code == 0, result.output
    assert f"created a new warehouse at {wh.path}" in result.output
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 3
    # a new file is created at the current version, recorded once
    assert wh.query("SELECT version, name, lrreport_version FROM meta.lr_schema_migrations") == [
        (SCHEMA_VERSION, "created", __version__)
    ]
    again = wh.run("load", "sends", str(sends))
    assert again.exit_code == 0 and "created a new warehouse" not in again.output


def _old_warehouse(path: Path) -> None:
    """A warehouse as lrreport wrote it before the per-send facts and the version record (version 1)."""
    con = duckdb.connect(str(path))
    con.execute(OLD_RAW_SENDS)
    con.execute(
        "INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, transactional_message_id, "
        "phone_number, phone_raw, message_content, http_status, _load_id, _loaded_at, _source_file) "
        "VALUES ('S1', TIMESTAMPTZ '2024-05-01 10:00:00+00', 11, 22, 300, '+12155550123', '215-555-0123', "
        "'Hi', 201, 'old', TIMESTAMPTZ '2024-05-02 00:00:00+00', 'old.csv')"
    )
    con.close()


def test_an_older_warehouse_is_migrated_on_open_and_recorded(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    _old_warehouse(db)
    settings = load_settings(env={}).with_database(db)
    con = connect(settings)
    try:
        assert con.execute("SELECT version, name FROM meta.lr_schema_migrations ORDER BY 1").fetchall() == [
            (2, "raw.sends stores the per-send SMS facts"),
            (3, "raw.orders keeps the order name and the visit time"),
            (4, "meta.schedule_runs records the try and the mailing"),
            (5, "raw.orders keeps the cancellation time"),
        ]
        # 'Hi': 2 characters, GSM-7, 2 septets, 1 segment, no link
        assert con.execute(
            "SELECT characters, encoding, segment_units, segments, has_link FROM raw.sends"
        ).fetchall() == [(2, "GSM-7", 2, 1, False)]
    finally:
        con.close()
    connect(settings).close()  # a current file: nothing more is recorded
    check = duckdb.connect(str(db), read_only=True)
    assert check.execute("SELECT count(*) FROM meta.lr_schema_migrations").fetchall() == [(4,)]
    check.close()


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    _old_warehouse(db)
    blocker = duckdb.connect(str(db))  # the name migration 2 sets the old table aside under is taken
    blocker.execute("CREATE TABLE raw.sends_before_facts (x INTEGER)")
    blocker.close()
    with pytest.raises(duckdb.CatalogException):
        connect(load_settings(env={}).with_database(db))
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'sends'"
        ).fetchall()}
        assert "characters" not in columns and "send_id" in columns
        assert con.execute("SELECT count(*) FROM raw.sends").fetchall() == [(1,)]
        assert con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta'"
        ).fetchall() == [(0,)]  # neither the version record nor the meta tables were left behind
    finally:
        con.close()


def test_a_warehouse_from_a_newer_lrreport_is_refused(wh: Warehouse, tmp_path: Path) -> None:
    sends = write_rows(tmp_path / "sends.csv", [send_row(i) for i in range(2)])
    assert wh.run("load", "sends", str(sends)).exit_code == 0
    con = duckdb.connect(str(wh.path))
    future = SCHEMA_VERSION + 1
    con.execute("INSERT INTO meta.lr_schema_migrations VALUES (?, 'from the future', now(), '9.0')", [future])
    con.close()
    settings = load_settings(env={}).with_database(wh.path)
    for read_only in (False, True):
        with pytest.raises(WarehouseError, match=f"schema version {SCHEMA_VERSION + 1}, newer than"):
            connect(settings, read_only=read_only)
    result = wh.run("load", "sends", str(sends))
    assert result.exit_code == 1
    assert "written by a newer lrreport; upgrade lrreport" in result.output
    assert "Traceback" not in result.output
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 2
