"""Open the DuckDB warehouse: checked to be a DuckDB file, at this lrreport's schema version, in UTC.

Only commands that load create a warehouse (``create=True``); build, metrics, reports and status
refuse a path where none exists. Writers take turns: a build holds the writer lock for its whole
run (:func:`writer_lock`); a load or extraction waits for it, then for DuckDB's own file lock,
for at most ``[warehouse] lock_wait_s``, saying once that it waits and for which process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from lrreport.config import Settings
from lrreport.warehouse.errors import WarehouseBusyError, WarehouseError
from lrreport.warehouse.migrations import check_version, migrate, recorded_version

log = logging.getLogger(__name__)

# A DuckDB database file: a checksum (8 bytes), then this magic.
DUCKDB_MAGIC = b"DUCK"
_held = threading.local()  # paths whose writer lock this thread holds (a build's own connections)


def state_root(settings: Settings) -> Path:
    """lrreport's files about one warehouse live beside it, in ``.lrreport/`` (dbt, snapshots, locks)."""
    return settings.database_path.resolve().parent / ".lrreport"


def check_file(path: Path) -> bool:
    """Whether a warehouse exists at ``path``; raise WarehouseError when something else is there."""
    if not path.exists():
        return False
    if not path.is_file():
        raise WarehouseError(f"{path} is not a file, so not a DuckDB warehouse: point --database at one")
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        what = "an empty file" if not head else "not a DuckDB file"
        raise WarehouseError(
            f"{path} is {what}: --database / LRREPORT_DATABASE must name a DuckDB warehouse "
            "(data files are loaded with `lrreport load sends|orders FILE`)"
        )
    return True


def require_warehouse(settings: Settings) -> None:
    """Raise WarehouseError unless a DuckDB file is at the configured path (for commands that do not load)."""
    path = settings.database_path
    if not check_file(path):
        raise WarehouseError(
            f"no warehouse at {path}: load data first (`lrreport load sends|orders FILE` or "
            "`lrreport extract listrak` create it), or point --database / LRREPORT_DATABASE at one"
        )


def lock_holder(path: Path) -> int | None:
    """The id of a process holding a POSIX lock on ``path`` that would stop a writer, else None.

    Asked with F_GETLK, which takes no lock. Only called after DuckDB refused to open the file, so this
    process holds no lock on it that closing the probe's descriptor could release.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        probe = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        l_type, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, probe))
    finally:
        os.close(fd)
    return None if l_type == fcntl.F_UNLCK else pid


def _duckdb_config(settings: Settings) -> dict[str, str]:
    config: dict[str, str] = {}
    if settings.warehouse.memory_limit:
        config["memory_limit"] = settings.warehouse.memory_limit
    if settings.warehouse.threads:
        config["threads"] = str(settings.warehouse.threads)
    return config


class _Wait:
    """A bounded wait for another process, reported once when it starts and once when it ends."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path, self.seconds = path, seconds
        self.started = time.monotonic()
        self.reported = False
        self.delay = 0.05

    def again(self, holder: str) -> None:
        """Sleep a little before the next try, or raise WarehouseBusyError when the time is up."""
        waited = time.monotonic() - self.started
        if waited >= self.seconds:
            raise WarehouseBusyError(
                f"{self.path} is in use by {holder} and stayed so for {waited:.0f} s "
                "([warehouse] lock_wait_s): try again when it has finished"
            )
        if not self.reported:
            log.warning("waiting for %s: in use by %s (at most %.0f s)", self.path, holder, self.seconds)
            self.reported = True
        time.sleep(min(self.delay, max(self.seconds - waited, 0.0)))
        self.delay = min(self.delay * 2, 1.0)

    def done(self) -> None:
        if self.reported:
            log.warning("%s is free after %.1f s", self.path, time.monotonic() - self.started)


def _writer_lock_file(settings: Settings) -> FileLock:
    root = state_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    return FileLock(root / f"{settings.database_path.name}.writer.lock", is_singleton=False)


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Hold the warehouse for one writer across several connections (a build: dbt and lrreport's own).

    Other writers' ``connect`` waits (bounded, reported) until it is released; readers of the published
    snapshot are not concerned.
    """
    key = str(settings.database_path.resolve())
    held: set[str] = _held.__dict__.setdefault("paths", set())
    if key in held:
        yield
        return
    lock = _writer_lock_file(settings)
    wait = _Wait(settings.database_path, settings.warehouse.lock_wait_s)
    while True:
        try:
            lock.acquire(timeout=0)
            break
        except Timeout:
            wait.again("another lrreport writer (a build, load or extraction)")
    wait.done()
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        lock.release()


def connect(
    settings: Settings, read_only: bool = False, *, create: bool = False, wait_s: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Connect to the configured DuckDB file; a writable connection migrates it to the current schema.

    ``create`` (only for commands that load) makes a missing file a new warehouse; otherwise a missing
    file is an error. ``wait_s`` (default ``[warehouse] lock_wait_s``) bounds the wait for another
    process holding the file. The session time zone is UTC so that TIMESTAMPTZ values print and convert the
    same everywhere; business dates are derived explicitly with the configured zone in the mart layer.
    """
    path: Path = settings.database_path
    if read_only or not create:
        require_warehouse(settings)
    elif not check_file(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    if not read_only:
        with writer_lock(settings):  # wait for a build in progress; DuckDB's own lock holds from here
            con = _open(settings, False, wait_s)
    else:
        con = _open(settings, True, wait_s)
    try:
        con.execute("SET TimeZone = 'UTC'")
        if read_only:
            check_version(recorded_version(con), path)
        else:
            migrate(con, path)
    except BaseException:
        con.close()
        raise
    return con


def _open(settings: Settings, read_only: bool, wait_s: float | None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting while another process holds a conflicting lock on the file."""
    path = settings.database_path
    wait = _Wait(path, settings.warehouse.lock_wait_s if wait_s is None else wait_s)
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=_duckdb_config(settings))
        except duckdb.IOException as exc:
            holder = lock_holder(path) if path.exists() else None
            if holder is None:
                raise WarehouseError(f"cannot open DuckDB file {path}: {exc}") from None
            wait.again(f"process {holder}")
            continue
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open DuckDB file {path}: {exc}") from None
        wait.done()
        return con
