"""A load killed with SIGKILL in the middle leaves the warehouse exactly as it was before it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.load.conftest import Warehouse, send_row, write_rows

BIG_ROWS = 400_000


def _write_big_send_log(path: Path) -> None:
    """A large, valid send log written by DuckDB (fast), so the load takes seconds."""
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
            SELECT 'B' || i AS send_id,
                   strftime(TIMESTAMP '2024-01-01' + to_seconds(i), '%Y-%m-%dT%H:%M:%SZ') AS sent_at,
                   1 AS sender_code_id, 2 AS phone_list_id, 3 + i % 5 AS transactional_message_id,
                   '(215) 555-' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') AS phone_number,
                   'Acme: your order #LR' || (1000000 + i) || ' shipped. Track: https://ltrk.co/x' || i
                       AS message_content,
                   201 AS http_status, 'r' || i AS resource_id
            FROM range({BIG_ROWS}) AS t(i)
        ) TO '{path}' (HEADER)
        """
    )
    con.close()


def _snapshot(wh: Warehouse) -> tuple:
    return (
        wh.query("SELECT * FROM raw.sends ORDER BY send_id"),
        wh.query("SELECT load_id, status, rows_loaded FROM meta.loads ORDER BY load_id"),
        wh.query("SELECT count(*) FROM meta.rejects"),
    )


def test_sigkill_mid_load_leaves_no_partial_batch(wh: Warehouse, tmp_path: Path) -> None:
    small = write_rows(tmp_path / "small.csv", [send_row(i) for i in range(5)])
    assert wh.run("load", "sends", str(small)).exit_code == 0
    before = _snapshot(wh)
    big = tmp_path / "big.csv"
    _write_big_send_log(big)

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "lrreport.cli", "-v", "load", "sends", str(big), "--database", str(wh.path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + 240
    for line in proc.stderr:  # wait until the load writes into raw.sends, then kill it
        seen.append(line)
        if "writing raw.sends" in line or time.monotonic() > deadline:
            break
    time.sleep(0.1)
    assert proc.poll() is None, (
        "the load finished before it could be killed: make BIG_ROWS larger\n" + "".join(seen)
    )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert any("writing raw.sends" in line for line in seen)

    assert _snapshot(wh) == before  # nothing of the killed batch, not even its meta.loads row
    # the warehouse is usable and the next run goes through
    again = wh.run("load", "sends", str(small))
    assert again.exit_code == 0, again.output
    more = write_rows(tmp_path / "more.csv", [send_row(i) for i in range(5, 8)])
    assert wh.run("load", "sends", str(more)).exit_code == 0
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 8
