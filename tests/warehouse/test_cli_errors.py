"""How every command ends: a one-line cause, exit 1 on error, 130 on Ctrl-C, tracebacks only with -vv."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import duckdb
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import load_settings
from lrreport.warehouse.db import connect, lock_holder
from tests.conftest import BuiltWarehouse
from tests.load.conftest import Warehouse
from tests.warehouse.conftest import start_cli

ROWS = 600_000  # a load of this many sends lasts several seconds: time for a Ctrl-C to land in it


def _big_send_log(path: Path) -> Path:
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'S' || i AS send_id, TIMESTAMPTZ '2026-11-01 00:00:00+00' + to_seconds(i) AS sent_at,
                   11 AS sender_code_id, 22 AS phone_list_id, 300 + i % 3 AS transactional_message_id,
                   '(215) 555-' || lpad((i % 10000)::VARCHAR, 4, '0') AS phone_number,
                   'Acme: your order #LR' || (1000000 + i) || ' has shipped.' AS message_content,
                   201 AS http_status
            FROM range({ROWS}) t(i)
        ) TO '{path}' (HEADER)"""
    )
    con.close()
    return path


def _interrupt_once_it_holds(proc, database: Path, settle_s: float) -> tuple[str, str]:  # noqa: ANN001
    """Ctrl-C ``proc`` once it has the warehouse open (and ``settle_s`` later), then its output."""
    deadline = time.monotonic() + 300
    while not (database.exists() and lock_holder(database) == proc.pid):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never opened the warehouse"
        time.sleep(0.05)
    time.sleep(settle_s)
    assert proc.poll() is None, "the command finished before the interrupt"
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=300)


def _ends_interrupted(proc, err: str) -> None:  # noqa: ANN001
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Query interrupted" not in err
    assert err.strip().splitlines()[-1].startswith("interrupted (Ctrl-C)")


def test_ctrl_c_during_load_sends(tmp_path: Path) -> None:
    log = _big_send_log(tmp_path / "sends.csv")
    db = tmp_path / "wh.duckdb"
    proc = start_cli("load", "sends", "--database", str(db), str(log), cwd=tmp_path)
    _out, err = _interrupt_once_it_holds(proc, db, settle_s=0.5)
    _ends_interrupted(proc, err)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.sends").fetchone() == (0,)  # the load was rolled back
    con.close()


def test_ctrl_c_during_build(demo_warehouse_copy: BuiltWarehouse, tmp_path: Path) -> None:
    db = demo_warehouse_copy.database
    proc = start_cli("build", "--full-refresh", "--database", str(db), cwd=tmp_path)
    _out, err = _interrupt_once_it_holds(proc, db, settle_s=1.0)
    _ends_interrupted(proc, err)


def test_an_error_is_one_line_and_a_defect_shows_its_traceback_only_with_vv(wh: Warehouse) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["status", "--database", str(wh.path)])
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [f"Error: no warehouse at {wh.path}: load data first "
                                                   "(`lrreport load sends|orders FILE` or `lrreport extract "
                                                   "listrak` create it), or point --database / "
                                                   "LRREPORT_DATABASE at one"]
    duckdb.connect(str(wh.path)).close()
    foreign = runner.invoke(cli, ["status", "--database", str(wh.path)])
    assert foreign.exit_code == 1
    assert foreign.output.strip().splitlines() == [
        f"Error: {wh.path} is a DuckDB file but not an lrreport warehouse (it has no meta tables)"
    ]
    # A defect (no lrreport error explains it): a hand-edited mart without the columns the KPIs read.
    con = connect(load_settings(env={}).with_database(wh.path))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.fct_sends (x INTEGER)")
    con.close()
    args = ["metrics", "--start", "2024-05-01", "--end", "2024-05-02", "--database", str(wh.path)]
    defect = runner.invoke(cli, args)
    assert defect.exit_code == 1
    lines = defect.output.strip().splitlines()
    assert len(lines) == 1 and "-vv" in lines[0]
    assert lines[0].startswith("Error: unexpected BinderException: ")
    verbose = runner.invoke(cli, ["-vv", *args])
    assert verbose.exit_code == 1 and isinstance(verbose.exception, duckdb.BinderException)
