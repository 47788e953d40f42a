"""Schedules with a controllable clock: due / not due, one catch-up, concurrency, failures, retention."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import psutil
import pytest

from lrreport.config import load_settings
from lrreport.reports.schedule import due_slot, latest_slot, next_slot, run_due, states, with_warehouse

from .conftest import NOTEBOOKS, make_warehouse, run_cli

UTC = ZoneInfo("UTC")
NY = "America/New_York"
# another process holding DuckDB's write lock for a while
HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep({seconds})"
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def write_config(tmp_path: Path, keep: int = 1) -> Path:
    db = make_warehouse(tmp_path / "wh.duckdb")
    cfg = tmp_path / "lrreport.toml"
    cfg.write_text(
        f"""
[warehouse]
database = "{db}"
[business]
timezone = "{NY}"
[reports]
output_dir = "{tmp_path / "reports"}"

[[schedules]]
name = "daily figures"
notebook = "{NOTEBOOKS / "figures.ipynb"}"
cron = "0 6 * * *"
params = {{ start_date = "last_7_days", end_date = "yesterday", figures = 1 }}
keep = {keep}

[[schedules]]
name = "quick"
notebook = "{NOTEBOOKS / "minimal.ipynb"}"
cron = "*/10 * * * *"
params = {{ label = "quick" }}

[[schedules]]
name = "typo"
notebook = "figures"
cron = "0 5 * * *"
params = {{ colour = "red" }}

[[schedules]]
name = "broken"
notebook = "{NOTEBOOKS / "figures.ipynb"}"
cron = "0 7 * * *"
params = {{ fail = true, figures = 0 }}
max_attempts = 2
""",
        encoding="utf-8",
    )
    return cfg


def runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT schedule, slot_at AT TIME ZONE 'UTC', status, output, error FROM meta.schedule_runs "
            "ORDER BY schedule, slot_at"
        ).fetchall()
    finally:
        con.close()


# --- the clock arithmetic ----------------------------------------------------------------------


def test_slots_follow_cron_in_the_business_zone() -> None:
    # 06:00 New York is 11:00 UTC in winter and 10:00 UTC in summer
    assert latest_slot("0 6 * * *", at("2025-01-15 12:00"), NY) == at("2025-01-15 11:00")
    assert latest_slot("0 6 * * *", at("2025-01-15 10:59"), NY) == at("2025-01-14 11:00")
    assert latest_slot("0 6 * * *", at("2025-07-15 10:00"), NY) == at("2025-07-15 10:00")  # on the slot
    assert next_slot("0 6 * * *", at("2025-01-15 12:00"), NY) == at("2025-01-16 11:00")


def test_due_not_due_and_a_single_catch_up() -> None:
    cron = "0 6 * * *"
    assert due_slot(cron, None, at("2025-01-15 12:00"), NY) == at("2025-01-15 11:00")  # never ran
    assert due_slot(cron, at("2025-01-15 11:00"), at("2025-01-15 23:00"), NY) is None  # already served
    assert due_slot(cron, at("2025-01-14 11:00"), at("2025-01-15 10:00"), NY) is None  # next slot not yet
    # four days down: one run, for the latest slot only, then nothing until the next slot
    slot = due_slot(cron, at("2025-01-11 11:00"), at("2025-01-15 12:00"), NY)
    assert slot == at("2025-01-15 11:00")
    assert due_slot(cron, slot, at("2025-01-15 12:05"), NY) is None
    assert due_slot(cron, slot, at("2025-01-16 11:00"), NY) == at("2025-01-16 11:00")


# --- real runs ---------------------------------------------------------------------------------


def test_schedule_run_due_not_due_catch_up_failure_and_retention(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, keep=1)
    db = tmp_path / "wh.duckdb"
    # 2025-03-10 12:00 UTC = 08:00 EDT: both 06:00 and 07:00 slots are due
    code, out, err = run_cli(
        "--config", str(cfg), "schedule", "run", "--now", "2025-03-10T12:00:00Z",
        "--only", "daily figures", "--only", "broken",
    )  # fmt: skip
    assert code == 1, out + err  # the broken schedule failed
    assert "daily figures: ran (slot 2025-03-10 10:00 UTC)" in out
    assert "broken: FAILED (slot 2025-03-10 11:00 UTC)" in err and "failing cell failed on purpose" in err
    rows = runs(db)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("broken", datetime(2025, 3, 10, 11), "failed"),
        ("daily figures", datetime(2025, 3, 10, 10), "ok"),
    ]
    assert "cell 8 (`if fail:`)" in rows[0][4] and rows[1][4] is None
    assert rows[1][3].endswith("figures.html") and Path(rows[1][3]).is_file()

    # five minutes later the failed slot is tried again (max_attempts = 2), the served one is not due
    code, out, err = run_cli(
        "--config", str(cfg), "schedule", "run", "--now", "2025-03-10T12:05:00Z",
        "--only", "daily figures", "--only", "broken",
    )  # fmt: skip
    assert code == 1 and "daily figures: not due" in out
    assert "broken: FAILED (slot 2025-03-10 11:00 UTC, try 2)" in err
    # then nothing is due and nothing runs: the failed slot has had its two tries
    code, out, _ = run_cli(
        "--config", str(cfg), "schedule", "run", "--now", "2025-03-10T12:10:00Z",
        "--only", "daily figures", "--only", "broken",
    )  # fmt: skip
    assert code == 0 and out.count("not due") == 2
    assert [(r[0], r[2]) for r in runs(db)] == [
        ("broken", "failed"), ("broken", "failed"), ("daily figures", "ok")
    ]

    # three days of downtime: one catch-up run for the latest slot, not one per missed day
    settings = load_settings(cfg)
    outcomes = run_due(settings, at("2025-03-13 12:00"), only=["daily figures"])
    assert [(o.schedule, o.action, o.slot_at) for o in outcomes] == [
        ("daily figures", "ran", at("2025-03-13 10:00"))
    ]
    daily = [r for r in runs(db) if r[0] == "daily figures"]
    assert [r[1] for r in daily] == [datetime(2025, 3, 10, 10), datetime(2025, 3, 13, 10)]
    # relative dates are resolved as of the slot, in the business zone
    meta = json.loads((outcomes[0].result.folder / "report.json").read_text())
    assert (meta["start"], meta["end"], meta["schedule"]) == ("2025-03-06", "2025-03-12", "daily figures")
    # keep = 1: the older report is gone, the index lists the one left
    folders = sorted((tmp_path / "reports" / "daily_figures").glob("2*"))
    assert [f.name for f in folders] == [outcomes[0].result.folder.name]
    index = (tmp_path / "reports" / "index.html").read_text()
    assert index.count("<tr><td>") == 1 and "2025-03-06 – 2025-03-12" in index

    code, out, _ = run_cli("--config", str(cfg), "schedule", "show", "--now", "2025-03-13T12:00:00Z")
    assert code == 0
    assert "daily figures" in out and "broken" in out and "failed" in out and "ok" in out
    assert "due now" in out  # broken's 07:00 slot of the 13th has not run


def test_two_processes_at_once_run_a_slot_once(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    cmd = [sys.executable, "-m", "lrreport.cli", "--config", str(cfg), "schedule", "run",
           "--now", "2025-03-10T12:00:00Z", "--only", "quick"]  # fmt: skip
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    texts = [o[0] for o in outs]
    assert sum("quick: ran" in t for t in texts) == 1, outs
    assert sum(("skipped" in t) or ("not due" in t) for t in texts) == 1, outs
    rows = runs(tmp_path / "wh.duckdb")
    assert [(r[0], r[1], r[2]) for r in rows] == [("quick", datetime(2025, 3, 10, 12), "ok")]
    assert len(list((tmp_path / "reports" / "quick").glob("2*/minimal.html"))) == 1


def test_a_run_left_running_by_a_dead_process_is_closed_and_its_slot_tried_again(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    db = tmp_path / "wh.duckdb"
    settings = load_settings(cfg)
    with_warehouse(
        settings,
        lambda con: con.execute(
            "INSERT INTO meta.schedule_runs (run_id, schedule, notebook, slot_at, started_at, status) "
            "VALUES ('dead', 'daily figures', 'figures', TIMESTAMPTZ '2025-03-10 10:00:00+00', "
            "TIMESTAMPTZ '2025-03-10 10:00:05+00', 'running')"
        ),
    )
    outcomes = run_due(settings, at("2025-03-10 10:30"), only=["daily figures"])
    assert [(o.action, o.slot_at, o.attempt) for o in outcomes] == [("ran", at("2025-03-10 10:00"), 2)]
    dead, retried = runs(db)
    assert dead[2] == "failed" and "ended before it finished" in dead[4]
    assert retried[1] == dead[1] and retried[2] == "ok"


def test_database_writes_wait_for_another_writer(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    settings = load_settings(cfg)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         HOLD.format(seconds=2.5),
         str(tmp_path / "wh.duckdb")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    count = with_warehouse(settings, lambda con: con.execute("SELECT count(*) FROM daily").fetchone()[0])
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert count == 90 and waited > 0.5
    with pytest.raises(Exception, match="(?i)lock"):
        holder2 = subprocess.Popen(
            [sys.executable, "-c",
             HOLD.format(seconds=3),
             str(tmp_path / "wh.duckdb")],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert holder2.stdout is not None and holder2.stdout.readline().strip() == "held"
            with_warehouse(settings, lambda con: None, wait_s=0.3)
        finally:
            holder2.wait(timeout=30)


def test_show_before_any_run(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)  # the database has no meta schema yet
    code, out, _ = run_cli("--config", str(cfg), "schedule", "show", "--now", "2025-03-10T12:00:00Z")
    assert code == 0 and out.count("never run") == 4 and out.count("due now") == 4


def test_install_prints_cron_and_systemd(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    code, out, _ = run_cli("--config", str(cfg), "schedule", "install", "--every", "10")
    assert code == 0
    cron_line = next(line for line in out.splitlines() if line.startswith("*/10 * * * *"))
    assert f"LRREPORT_CONFIG={cfg}" in cron_line and "schedule run --database" in cron_line
    assert "[Timer]" in out and "OnCalendar=*:0/10" in out and "ExecStart=" in out
    assert "Persistent=true" in out


def test_unknown_schedule_and_missing_database(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    code, _, err = run_cli("--config", str(cfg), "schedule", "run", "--only", "nope")
    assert code == 1 and "no schedule named nope" in err
    code, _, err = run_cli(
        "--config", str(cfg), "schedule", "run", "--database", str(tmp_path / "none.duckdb")
    )
    assert code == 1 and "does not exist" in err
    assert not (tmp_path / "none.duckdb").exists()


def test_clock_is_injectable_to_the_minute() -> None:
    assert latest_slot("*/15 * * * *", at("2025-03-10 12:14:59"), NY) == at("2025-03-10 12:00")
    assert latest_slot("*/15 * * * *", at("2025-03-10 12:15:00"), NY) == at("2025-03-10 12:15")
    assert next_slot("*/15 * * * *", at("2025-03-10 12:15:00"), NY) == at("2025-03-10 12:30")


def test_bad_schedule_parameters_are_recorded_not_run(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    settings = load_settings(cfg)
    (outcome,) = run_due(settings, at("2025-03-10 12:00"), only=["typo"], notebook_dir=NOTEBOOKS)
    assert outcome.action == "failed" and "has no parameter colour" in (outcome.error or "")
    (row,) = runs(tmp_path / "wh.duckdb")
    assert row[0] == "typo" and row[2] == "failed" and "colour" in row[4]
    assert not (tmp_path / "reports" / "typo").exists()


# --- a killed run: its claim expires, its slot is tried again, its leftovers go ------------------


def _slow_config(tmp_path: Path, sleep_s: float, name: str) -> Path:
    db = tmp_path / "wh.duckdb"
    if not db.exists():
        make_warehouse(db)
    cfg = tmp_path / name
    cfg.write_text(
        f"""
[warehouse]
database = "{db}"
[reports]
output_dir = "{tmp_path / "reports"}"

[schedules.slow]
notebook = "{NOTEBOOKS / "figures.ipynb"}"
cron = "0 6 * * *"
params = {{ start_date = "2025-01-01", end_date = "2025-01-07", figures = 1, sleep_s = {sleep_s} }}
""",
        encoding="utf-8",
    )
    return cfg


def _leftovers(pid: int, report_dir: Path) -> list[Path]:
    tmp = Path(tempfile.gettempdir())
    return sorted(report_dir.glob(f".partial-pid{pid}-*")) + sorted(tmp.glob(f"lrreport-kernel-pid{pid}-*"))


def test_kill_9_of_schedule_run_expires_its_claim_and_the_next_run_retries_and_cleans_up(
    tmp_path: Path,
) -> None:
    slow = _slow_config(tmp_path, 120, "slow.toml")
    db = tmp_path / "wh.duckdb"
    report_dir = tmp_path / "reports" / "slow"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lrreport.cli", "--config", str(slow), "schedule", "run",
         "--now", "2025-03-10T12:00:00Z"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    children: list[psutil.Process] = []
    try:
        # wait until the run has claimed its slot and its kernel runs the notebook (the slow cell)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            tmp_dirs = [p for p in _leftovers(proc.pid, report_dir) if p.is_dir() and p.parent != report_dir]
            if tmp_dirs and list(report_dir.glob(f".partial-pid{proc.pid}-*")):
                children = psutil.Process(proc.pid).children(recursive=True)
                if children:
                    break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        else:
            raise AssertionError("the scheduled run never got its kernel going")
        time.sleep(3)  # into the notebook's cells
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        for child in children:  # the orphaned kernel: ended by its own id
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        proc.kill() if proc.poll() is None else None
    dead_pid = proc.pid
    left = _leftovers(dead_pid, report_dir)
    assert any(p.name.endswith(".log") for p in left), left  # the kernel log in the temp folder
    assert any(p.parent == report_dir for p in left), left  # the .partial-* folder
    (claim,) = runs(db)
    assert claim[2] == "running"  # the dead run's claim, still recorded as running

    # the next run (the schedule now quick) expires the claim, tries the slot again, cleans up
    quick = load_settings(_slow_config(tmp_path, 0, "quick.toml"))
    (outcome,) = run_due(quick, at("2025-03-10 12:05"))
    assert (outcome.action, outcome.slot_at, outcome.attempt) == ("ran", at("2025-03-10 10:00"), 2)
    killed, retried = runs(db)
    assert killed[2] == "failed" and "ended before it finished" in killed[4]
    assert retried[1] == killed[1] and retried[2] == "ok" and Path(retried[3]).is_file()
    assert _leftovers(dead_pid, report_dir) == []
    assert [p.name for p in report_dir.iterdir() if p.name.startswith(".")] == []
    # and the slot is served now: nothing more to do
    assert [o.action for o in run_due(quick, at("2025-03-10 12:10"))] == ["not_due"]


def test_a_failed_slot_is_tried_max_attempts_times_then_left(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    settings = load_settings(cfg)
    broken = [s for s in settings.schedules if s.name == "broken"]
    assert broken[0].max_attempts == 2
    tries = [run_due(settings, at("2025-03-10 12:00"), only=["broken"])[0]]
    (shown,) = [st for st in states(settings, at("2025-03-10 12:01")) if st.schedule.name == "broken"]
    assert (shown.due_slot, shown.due_attempt) == (at("2025-03-10 11:00"), 2)  # show: "due now (try 2 of 2)"
    tries += [run_due(settings, at(f"2025-03-10 12:0{m}"), only=["broken"])[0] for m in (1, 2)]
    assert [(o.action, o.attempt) for o in tries] == [("failed", 1), ("failed", 2), ("not_due", 1)]
    (shown,) = [st for st in states(settings, at("2025-03-10 12:03")) if st.schedule.name == "broken"]
    assert shown.due_slot is None and shown.last is not None and shown.last.attempt == 2
    # the next day's slot starts afresh
    (nxt,) = run_due(settings, at("2025-03-11 12:00"), only=["broken"])
    assert (nxt.action, nxt.slot_at, nxt.attempt) == ("failed", at("2025-03-11 11:00"), 1)
