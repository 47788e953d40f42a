"""Helpers of the warehouse tests: the real `lrreport` command in its own process, and lock holders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.load.conftest import wh  # noqa: F401 (the fresh-warehouse fixture)

LRREPORT = Path(sys.executable).with_name("lrreport")
# A process that opens a DuckDB file (argv[1]; read_only when argv[2] == "ro"), says so, then holds it
# until its stdin closes.
HOLDER = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
    "print('held', flush=True); sys.stdin.read()"
)


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``lrreport <args>`` as a user runs it (console script, own process), output captured."""
    assert LRREPORT.is_file(), f"{LRREPORT} missing: run `make install`"
    return subprocess.run(
        [str(LRREPORT), *args], cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        timeout=600,
    )


def start_cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """``lrreport <args>`` started in the background, with Ctrl-C (SIGINT) handled as in a terminal."""
    return subprocess.Popen(
        [str(LRREPORT), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@contextmanager
def holding(path: Path, read_only: bool) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``path`` open (a notebook, a report, `lrreport status`...)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), "ro" if read_only else "rw"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
