"""Scheduled reports: run what is due, once per slot, safely from cron every few minutes.

A schedule (``[schedules.NAME]`` or ``[[schedules]]`` in lrreport.toml: notebook, cron, params,
output_dir, keep, max_attempts, email_to) is due when its latest cron slot at or before *now* (cron
read in the business time zone) is later than the slot of its last recorded run, or is that slot
and every try at it failed, fewer than ``max_attempts`` times. After downtime only that latest slot
runs (one catch-up, not one run per missed slot; a newer slot supersedes a failed one). Two
``schedule run`` processes at once are safe: each schedule has a non-blocking file lock next to the
database, and the slot is claimed in ``meta.schedule_runs`` with an insert that only succeeds when
no run serves that slot yet. A run killed after its claim releases the file lock with its process,
so the next ``schedule run`` closes the claim as failed and tries the slot again. DuckDB lets one
process write at a time, so database work is short and retried while another process holds it.

With ``email_to``, the newest published report is mailed after it is published (see
``delivery``); each try is recorded on its run, a failed mailing is tried again by later runs up to
``[smtp] max_attempts`` and a report that went is never mailed again.
"""

from __future__ import annotations

import re
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import duckdb
from cronsim import CronSim, CronSimError
from filelock import FileLock, Timeout

from lrreport._exceptions import LrreportError
from lrreport.config import ScheduleSettings, Settings
from lrreport.lake.reader import readable
from lrreport.reports import delivery
from lrreport.reports import index as report_index
from lrreport.reports.params import ParameterError
from lrreport.reports.runner import ReportResult, run_report
from lrreport.sqlfiles import read_sql
from lrreport.warehouse.db import WarehouseError, connect

UTC = ZoneInfo("UTC")
T = TypeVar("T")


class ScheduleError(LrreportError):
    """A schedule is misconfigured or the schedules cannot run at all."""


@dataclass(frozen=True)
class LastRun:
    """The latest recorded run of a schedule."""

    slot_at: datetime
    started_at: datetime
    finished_at: datetime | None
    status: str
    output: str | None
    error: str | None
    attempt: int = 1  # which try at its slot
    email_status: str | None = None  # None (nothing to mail), pending, sent, failed
    email_attempts: int = 0
    email_error: str | None = None


@dataclass(frozen=True)
class ScheduleState:
    """A schedule with its last run and next slot, for ``schedule show``."""

    schedule: ScheduleSettings
    last: LastRun | None
    due_slot: datetime | None  # the slot a run now would serve, None when not due
    next_slot: datetime  # the next slot after now
    due_attempt: int = 1  # which try at due_slot a run now would be


@dataclass(frozen=True)
class ScheduleOutcome:
    """What ``run_due`` did with one schedule."""

    schedule: str
    action: str  # "ran", "failed", "not_due", "busy" (another process has it), "claimed_elsewhere"
    slot_at: datetime | None = None
    output: str | None = None
    error: str | None = None
    result: ReportResult | None = None
    attempt: int = 1  # which try at the slot this run was
    mailed: str | None = None  # what became of mailing the newest report, None when nothing was tried
    mail_failed: bool = False


# --- cron ---------------------------------------------------------------------------------------


def _check_cron(schedule: ScheduleSettings) -> None:
    try:
        CronSim(schedule.cron, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as exc:
        raise ScheduleError(f"schedule {schedule.name}: cron {schedule.cron!r} is not valid: {exc}") from None


def latest_slot(cron: str, now: datetime, tz: str) -> datetime | None:
    """The latest cron slot at or before ``now`` (cron read in zone ``tz``), in UTC."""
    local = now.astimezone(ZoneInfo(tz)).replace(microsecond=0) + timedelta(seconds=1)
    try:
        slot = next(CronSim(cron, local, reverse=True))
    except StopIteration:
        return None
    return slot.astimezone(UTC)


def next_slot(cron: str, after: datetime, tz: str) -> datetime:
    """The first cron slot strictly after ``after``, in UTC."""
    return next(CronSim(cron, after.astimezone(ZoneInfo(tz)).replace(microsecond=0))).astimezone(UTC)


def due_slot(cron: str, last_slot: datetime | None, now: datetime, tz: str) -> datetime | None:
    """The slot to run now: the latest one at or before ``now`` if it is newer than ``last_slot``."""
    slot = latest_slot(cron, now, tz)
    if slot is None or (last_slot is not None and slot <= last_slot):
        return None
    return slot


def due_try(
    schedule: ScheduleSettings, last: LastRun | None, now: datetime, tz: str
) -> tuple[datetime, int] | None:
    """(slot, try) a run now would make: a newer slot's first try, or another try at the last slot
    when every try at it failed and fewer than ``max_attempts`` were made; None when not due."""
    slot = due_slot(schedule.cron, last.slot_at if last else None, now, tz)
    if slot is not None:
        return slot, 1
    if (
        last is not None and last.status == "failed" and last.attempt < schedule.max_attempts
        and latest_slot(schedule.cron, now, tz) == last.slot_at
    ):  # fmt: skip
        return last.slot_at, last.attempt + 1
    return None


# --- database access ----------------------------------------------------------------------------


def with_warehouse(
    settings: Settings, work: Callable[[duckdb.DuckDBPyConnection], T], *, read_only: bool = False,
    wait_s: float = 120.0,
) -> T:  # fmt: skip
    """Run ``work`` on a short-lived connection; ``connect`` waits (at most ``wait_s``) for another holder."""
    con = connect(settings, read_only=read_only, wait_s=wait_s)
    try:
        return work(con)
    finally:
        con.close()


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def last_runs(con: duckdb.DuckDBPyConnection) -> dict[str, LastRun]:
    """The latest run per schedule name."""
    try:
        rows = con.execute(read_sql("schedules/last_runs")).fetchall()
    except duckdb.CatalogException:  # a read-only look at a file no writer has set up yet
        return {}
    out: dict[str, LastRun] = {}
    for row in rows:
        (schedule, _nb, slot_at, started_at, finished_at, status, output, error, attempt, email_status,
         email_attempts, email_error) = row  # fmt: skip
        out[schedule] = LastRun(
            slot_at=_as_utc(slot_at),  # type: ignore[arg-type]
            started_at=_as_utc(started_at),  # type: ignore[arg-type]
            finished_at=_as_utc(finished_at),
            status=status,
            output=output,
            error=error,
            attempt=int(attempt),
            email_status=email_status,
            email_attempts=int(email_attempts),
            email_error=email_error,
        )
    return out


def history(settings: Settings, schedule: str, limit: int = 20) -> list[tuple[Any, ...]]:
    """Recent runs of ``schedule``, newest first: the columns of ``queries/schedules/history.sql``."""
    sql = read_sql("schedules/history")
    return with_warehouse(
        settings,
        lambda con: con.execute(sql, {"schedule": schedule, "limit": limit}).fetchall(),
        read_only=True,
    )


# --- locks, paths, retention --------------------------------------------------------------------


def lock_dir(settings: Settings) -> Path:
    """Folder of the per-schedule lock files, next to the database file."""
    db = settings.database_path.expanduser().resolve()
    return db.parent / f".{db.name}.schedule-locks"


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "schedule"


def output_root(settings: Settings, schedule: ScheduleSettings) -> Path:
    """Where a schedule's reports go (its ``output_dir`` or ``reports.output_dir``)."""
    return Path(schedule.output_dir or settings.reports.output_dir).expanduser().resolve()


def _notebook_ref(settings: Settings, schedule: ScheduleSettings) -> str:
    ref = schedule.notebook
    if ref.endswith(".ipynb") and not Path(ref).expanduser().is_absolute():
        source = Path(settings.source)
        if source.is_file() and (source.parent / ref).is_file():
            return str((source.parent / ref).resolve())
    return ref


def _run_folders(parent: Path) -> list[Path]:
    return sorted(
        (p for p in parent.iterdir() if p.is_dir() and (p / "report.json").is_file()), key=lambda p: p.name
    )


def apply_retention(settings: Settings, schedule: ScheduleSettings) -> list[Path]:
    """Delete all but the newest ``keep`` reports (and failed runs) of a schedule; returns what went."""
    if schedule.keep <= 0:
        return []
    base = output_root(settings, schedule) / _safe_name(schedule.name)
    removed: list[Path] = []
    for parent in (base, base / "failed"):
        if not parent.is_dir():
            continue
        folders = _run_folders(parent)
        for old in folders[: max(0, len(folders) - schedule.keep)]:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


# --- running ------------------------------------------------------------------------------------


def states(settings: Settings, now: datetime | None = None) -> list[ScheduleState]:
    """Every configured schedule with its last run (when the database has one) and next slot."""
    now = now or datetime.now(tz=UTC)
    tz = settings.business.timezone
    runs: dict[str, LastRun] = {}
    if settings.database_path.exists():
        runs = with_warehouse(settings, last_runs, read_only=True)
    out = []
    for schedule in settings.schedules:
        _check_cron(schedule)
        last = runs.get(schedule.name)
        due = due_try(schedule, last, now, tz)
        out.append(
            ScheduleState(
                schedule=schedule,
                last=last,
                due_slot=due[0] if due else None,
                next_slot=next_slot(schedule.cron, now, tz),
                due_attempt=due[1] if due else 1,
            )
        )
    return out


def run_schedule(
    settings: Settings,
    schedule: ScheduleSettings,
    now: datetime,
    *,
    notebook_dir: Path | None = None,
    db_wait_s: float = 120.0,
    on_cell: Callable[[int, int], None] | None = None,
) -> ScheduleOutcome:
    """Run one schedule if it is due and no other process has it; record the run."""
    _check_cron(schedule)
    locks = lock_dir(settings)
    locks.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(locks / f"{_safe_name(schedule.name)}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return ScheduleOutcome(schedule.name, "busy", error="another `schedule run` is running it")
    try:
        outcome = _claim_and_run(settings, schedule, now, notebook_dir, db_wait_s, on_cell)
        if schedule.email_to and outcome.action in ("ran", "failed", "not_due"):
            mailed = mail_newest_report(settings, schedule, db_wait_s=db_wait_s)
            if mailed is not None:
                outcome = replace(outcome, mailed=mailed[0], mail_failed=not mailed[1])
        return outcome
    finally:
        lock.release()


def _claim_and_run(
    settings: Settings,
    schedule: ScheduleSettings,
    now: datetime,
    notebook_dir: Path | None,
    db_wait_s: float,
    on_cell: Callable[[int, int], None] | None,
) -> ScheduleOutcome:
    """Claim the due try at the slot (the caller holds the schedule's lock), run it and record it."""
    tz = settings.business.timezone
    run_id = uuid.uuid4().hex
    started = datetime.now(tz=UTC)

    def claim(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, int, bool]:
        con.execute(read_sql("schedules/abandon_stale"), {"schedule": schedule.name, "now": started})
        due = due_try(schedule, last_runs(con).get(schedule.name), now, tz)
        if due is None:
            return None, 0, False
        inserted = con.execute(
            read_sql("schedules/claim"),
            {
                "run_id": run_id,
                "schedule": schedule.name,
                "notebook": schedule.notebook,
                "slot_at": due[0],
                "started_at": started,
                "attempt": due[1],
            },
        ).fetchone()
        return due[0], due[1], bool(inserted and inserted[0])

    slot, attempt, claimed = with_warehouse(settings, claim, wait_s=db_wait_s)
    if slot is None:
        return ScheduleOutcome(schedule.name, "not_due")
    if not claimed:
        return ScheduleOutcome(schedule.name, "claimed_elsewhere", slot_at=slot, attempt=attempt)

    result: ReportResult | None = None
    error: str | None = None
    try:
        result = run_report(
            readable(settings),  # on Spark: the marts in the lake (the runs are recorded in the warehouse)
            _notebook_ref(settings, schedule),
            dict(schedule.params),
            output_dir=output_root(settings, schedule),
            report_name=_safe_name(schedule.name),
            notebook_dir=notebook_dir,
            now=now,
            dates_as_of=slot,
            schedule=schedule.name,
            check=False,
            on_cell=on_cell,
        )
        error = result.error
    except ParameterError as exc:
        error = f"parameters: {exc}"
    except Exception as exc:  # record anything else too; the next schedule still runs
        error = f"{type(exc).__name__}: {exc}"
    status = "ok" if result is not None and result.ok and error is None else "failed"
    output = str(result.html if result and result.html else result.folder) if result else None

    def finish(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            read_sql("schedules/finish"),
            {
                "run_id": run_id,
                "finished_at": datetime.now(tz=UTC),
                "status": status,
                "output": output,
                "error": error,
                "mail": bool(schedule.email_to),
            },
        )

    with_warehouse(settings, finish, wait_s=max(db_wait_s, 600.0))
    apply_retention(settings, schedule)
    report_index.write_index(output_root(settings, schedule))
    return ScheduleOutcome(
        schedule.name, "ran" if status == "ok" else "failed", slot_at=slot, output=output,
        error=error, result=result, attempt=attempt,
    )  # fmt: skip


def mail_newest_report(
    settings: Settings, schedule: ScheduleSettings, *, db_wait_s: float = 120.0
) -> tuple[str, bool] | None:
    """Mail the schedule's newest published report if it has not gone yet and tries are left.

    Returns (what happened in words, whether it went), or None when there was nothing to mail. Each
    try is recorded on the report's run in ``meta.schedule_runs`` as soon as it ends.
    """
    smtp = settings.smtp
    row = with_warehouse(
        settings,
        lambda con: con.execute(
            read_sql("schedules/undelivered"), {"schedule": schedule.name, "max_attempts": smtp.max_attempts}
        ).fetchone(),
        wait_s=db_wait_s,
    )
    if row is None:
        return None
    run_id, output, done = row

    def record(sent: bool, error: str | None) -> None:
        params = {"run_id": run_id, "email_status": "sent" if sent else "failed",
                  "email_error": error, "at": datetime.now(tz=UTC)}  # fmt: skip
        with_warehouse(settings, lambda con: con.execute(read_sql("schedules/email_attempted"), params),
                       wait_s=max(db_wait_s, 600.0))  # fmt: skip

    tries = min(smtp.attempts_per_run, smtp.max_attempts - int(done))
    try:
        folder = Path(output).parent
        meta = delivery.read_report(folder)
        database = (meta.get("parameters") or {}).get("database") or settings.database_path
        try:
            body = with_warehouse(
                settings.with_database(database),
                lambda con: delivery.summary_text(con, settings, meta), read_only=True, wait_s=db_wait_s,
            )  # fmt: skip
        except (WarehouseError, duckdb.Error):
            body = delivery.summary_text(None, settings, meta)
        domain = delivery.sender_address(settings).rpartition("@")[2] or "lrreport"
        message = delivery.compose(settings, folder, schedule.email_to, body,
                                   message_id=f"<lrreport.{run_id}@{domain}>")  # fmt: skip
    except (OSError, ValueError, delivery.DeliveryError) as exc:  # the published report is unreadable
        record(False, f"the report could not be read for mailing: {exc}")
        return f"mailing failed: the report could not be read: {exc}", False
    result = delivery.deliver(settings, message, attempts=tries, on_attempt=record)
    total = int(done) + result.attempts
    to = ", ".join(schedule.email_to)
    if result.sent:
        extra = f"; {result.error}" if result.error else ""
        return f"mailed to {to} (try {total}){extra}", True
    left = smtp.max_attempts - total
    then = f"{left} more tr{'y' if left == 1 else 'ies'} on later runs" if left > 0 else "no tries left"
    return f"mailing to {to} FAILED after try {total} ({then}): {result.error}", False


def run_due(
    settings: Settings,
    now: datetime | None = None,
    *,
    only: list[str] | None = None,
    notebook_dir: Path | None = None,
    db_wait_s: float = 120.0,
    on_outcome: Callable[[ScheduleOutcome], None] | None = None,
) -> list[ScheduleOutcome]:
    """Run every due schedule once (``only``: just these names); ``now`` is injectable for tests."""
    now = now or datetime.now(tz=UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not settings.database_path.is_file():
        raise ScheduleError(
            f"database {settings.database_path} does not exist: load and build it before running schedules"
        )
    chosen = list(settings.schedules)
    if only:
        names = {s.name for s in chosen}
        missing = [n for n in only if n not in names]
        if missing:
            raise ScheduleError(
                f"no schedule named {', '.join(missing)}; configured: {', '.join(sorted(names)) or '(none)'}"
            )
        chosen = [s for s in chosen if s.name in only]
    for schedule in chosen:
        _check_cron(schedule)
    outcomes = []
    for schedule in chosen:
        outcome = run_schedule(settings, schedule, now, notebook_dir=notebook_dir, db_wait_s=db_wait_s)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


# --- installing ---------------------------------------------------------------------------------


def lrreport_command() -> str:
    """How to start lrreport from cron/systemd: the console script next to this interpreter."""
    script = Path(sys.executable).parent / "lrreport"
    return str(script) if script.is_file() else f"{sys.executable} -m lrreport.cli"


def install_text(settings: Settings, every_minutes: int = 5, workdir: Path | None = None) -> str:
    """A crontab line plus a systemd service and timer that call ``schedule run`` regularly."""
    workdir = (workdir or Path.cwd()).resolve()
    command = lrreport_command()
    config = Path(settings.source).resolve() if Path(settings.source).is_file() else None
    env = f"LRREPORT_CONFIG={config} " if config else ""
    env_line = f"Environment=LRREPORT_CONFIG={config}\n" if config else ""
    db = settings.database_path.expanduser().resolve()
    log = Path(settings.reports.output_dir).expanduser().resolve() / "schedule.log"
    return f"""# --- cron: `crontab -e`, add this line (every {every_minutes} min; runs only what is due)
*/{every_minutes} * * * * cd {workdir} && {env}{command} schedule run --database {db} >> {log} 2>&1

# --- or systemd (user units): save as ~/.config/systemd/user/lrreport-schedule.service
[Unit]
Description=lrreport: run the scheduled reports that are due

[Service]
Type=oneshot
WorkingDirectory={workdir}
{env_line}ExecStart={command} schedule run --database {db}

# --- and ~/.config/systemd/user/lrreport-schedule.timer
[Unit]
Description=lrreport: check the report schedules every {every_minutes} minutes

[Timer]
OnCalendar=*:0/{every_minutes}
Persistent=true

[Install]
WantedBy=timers.target

# then: systemctl --user daemon-reload && systemctl --user enable --now lrreport-schedule.timer
"""
