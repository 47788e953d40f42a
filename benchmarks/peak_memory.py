"""Peak resident memory of the running program, for benchmarks that measure a child process.

``getrusage``'s ``ru_maxrss`` (``RUSAGE_SELF`` in the child, ``RUSAGE_CHILDREN`` or ``wait4`` in the
parent) carries the parent's peak over the fork, so a child started by a parent that had run DuckDB
reported the parent's memory as its own (2026-12-01: a build's "peak RSS" of 6 GB was the parent's
day insert). ``VmHWM`` is the high-water mark of the memory the child's own program mapped.
"""

from __future__ import annotations


def peak_rss_mb() -> float:
    """This process's peak resident set since its program started, in MiB (Linux: VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("/proc/self/status has no VmHWM: peak memory is measured on Linux only")
