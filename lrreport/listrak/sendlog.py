"""The recording sender's send log: one JSON object per line, appended durably (flush + fsync,
under a thread lock and an advisory file lock) to a daily file ``sends-YYYY-MM-DD.jsonl``.

A crash can at worst leave an incomplete last line; the next append cuts it off before writing,
so the file always consists of whole JSON lines that the send-log loader reads.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from datetime import date
from pathlib import Path
from typing import Any

log = logging.getLogger("lrreport.listrak")

FILE_PREFIX = "sends-"
FILE_SUFFIX = ".jsonl"


class SendLogWriter:
    """Appends send records to ``log_dir/sends-<UTC day>.jsonl``; safe across threads and processes."""

    def __init__(self, log_dir: str | os.PathLike[str]) -> None:
        self.log_dir = Path(log_dir).expanduser()
        self._lock = threading.Lock()

    def path_for(self, day: date) -> Path:
        """The file that holds the attempts of ``day`` (UTC)."""
        return self.log_dir / f"{FILE_PREFIX}{day.isoformat()}{FILE_SUFFIX}"

    def append(self, record: dict[str, Any], day: date) -> Path:
        """Write ``record`` as one line of ``day``'s file and make it durable before returning."""
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        path = self.path_for(day)
        with self._lock:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                _cut_torn_tail(fd, path)
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)  # closing releases the flock
            if created:
                _fsync_dir(self.log_dir)
        return path


def _cut_torn_tail(fd: int, path: Path) -> None:
    """Truncate an incomplete last line (no newline: a write cut short by a crash)."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    end = size
    keep = 0
    while end > 0:
        start = max(0, end - 65536)
        chunk = os.pread(fd, end - start, start)
        idx = chunk.rfind(b"\n")
        if idx >= 0:
            keep = start + idx + 1
            break
        end = start
    os.ftruncate(fd, keep)
    os.fsync(fd)
    log.warning("%s ended in an incomplete line (%d bytes, a crash mid-write?); it was cut off",
                path, size - keep)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
