"""Readers never block writers: a reader held open across a load and a build; writers take turns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import BuiltWarehouse
from tests.load.conftest import send_row, write_rows
from tests.warehouse.conftest import holding, run_cli, start_cli

# A notebook kernel: lrreport.connect() once, then on each line of stdin the counts its one
# connection sees: sends in the mart, sends in the staged log, attempts in the daily aggregate.
NOTEBOOK = """
import sys, lrreport
con = lrreport.connect(sys.argv[1])
for _ in sys.stdin:
    print(*con.execute(
        "SELECT (SELECT count(*) FROM fct_sends), (SELECT count(*) FROM stg_sends), "
        "(SELECT sum(attempts) FROM agg_sends_daily)"
    ).fetchone(), flush=True)
"""


def _counts(database: Path) -> tuple[int, int, int]:
    """What a reader that connects now sees."""
    command = [sys.executable, "-c", NOTEBOOK, str(database)]
    out = subprocess.run(command, input="\n", capture_output=True, text=True, check=True).stdout
    a, b, c = map(int, out.split())
    return a, b, c


def test_a_reader_held_open_across_a_load_and_a_build(
    demo_warehouse_copy: BuiltWarehouse, tmp_path: Path
) -> None:
    db = demo_warehouse_copy.database
    # The copy carries no snapshot of its own: the first build publishes one.
    assert run_cli("build", "--database", str(db), cwd=tmp_path).returncode == 0
    old = _counts(db)
    assert old[0] == old[1] == old[2] > 0  # one build: the mart, the staged log and the aggregate agree

    reader = subprocess.Popen(
        [sys.executable, "-c", NOTEBOOK, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert reader.stdin is not None and reader.stdout is not None

    def seen() -> tuple[int, ...]:
        reader.stdin.write("\n")
        reader.stdin.flush()
        return tuple(map(int, reader.stdout.readline().split()))

    try:
        assert seen() == old
        late = [send_row(i, sent_at="2026-11-10T15:00:00Z") for i in range(7)]
        new_sends = write_rows(tmp_path / "late.csv", late)
        load = run_cli("load", "sends", "--database", str(db), str(new_sends), cwd=tmp_path)
        assert load.returncode == 0, load.stderr
        assert "waiting for" not in load.stderr  # the open reader did not hold the load up
        assert seen() == old  # the load is not published: the reader still sees the last build, whole
        build = run_cli("build", "--database", str(db), cwd=tmp_path)
        assert build.returncode == 0, build.stderr
        assert "waiting for" not in build.stderr
        assert seen() == old  # its own connection keeps the build it opened, never a mix
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0
    assert _counts(db) == (old[0] + 7, old[1] + 7, old[2] + 7)  # a new connection sees the new build


def test_a_writer_waits_for_a_short_reader_of_the_file_and_says_so(wh, tmp_path: Path) -> None:  # noqa: ANN001
    sends = write_rows(tmp_path / "sends.csv", [send_row(i) for i in range(3)])
    assert run_cli("load", "sends", "--database", str(wh.path), str(sends), cwd=tmp_path).returncode == 0
    more = write_rows(tmp_path / "more.csv", [send_row(i) for i in range(3, 5)])
    with holding(wh.path, read_only=True) as holder:
        load = start_cli("load", "sends", "--database", str(wh.path), str(more), cwd=tmp_path)
        assert load.stderr is not None
        first = load.stderr.readline()  # the wait is reported while it lasts
        assert f"waiting for {wh.path}: in use by process {holder.pid}" in first
    out, err = load.communicate(timeout=120)
    assert load.returncode == 0, err
    assert "is free after" in err
    assert wh.scalar("SELECT count(*) FROM raw.sends") == 5


def test_a_writer_that_waits_too_long_ends_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    duckdb.connect(str(db)).close()
    (tmp_path / "lrreport.toml").write_text("[warehouse]\nlock_wait_s = 1\n", encoding="utf-8")
    env = {"LISTRAK_CLIENT_ID": "id", "LISTRAK_CLIENT_SECRET": "secret",
           "LISTRAK_TOKEN_URL": "http://127.0.0.1:9/token", "LISTRAK_API_BASE_URL": "http://127.0.0.1:9/sms/v1"}
    with holding(db, read_only=False) as holder:
        result = run_cli("extract", "listrak", "--database", str(db), cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and f"in use by process {holder.pid}" in last and "lock_wait_s" in last
