"""Benchmark rendering the overview report: wall time and peak memory against papermill's floor.

The floor, measured in the same run: papermill executing a notebook with one empty cell in the same
pinned kernel (kernel start, papermill bookkeeping, shutdown), with no HTML export. The overview is
rendered by ``lrreport.reports.runner.run_report`` (validate, execute, export HTML, index) on a built
warehouse, by default the 10M-send one MODELS' ``benchmarks/build_models.py --sizes 10000000``
leaves in ``benchmarks/.data/``. Each measurement runs in a fresh subprocess so peak RSS is its own:
the runner process (export included) and the kernel (the queries and charts) are reported apart.
Target (issue 5): overview at most 15 s above the floor.

    .venv/bin/python benchmarks/render_overview.py                       # the 10M warehouse
    .venv/bin/python benchmarks/render_overview.py --database path/to/warehouse.duckdb --days 30
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from peak_memory import peak_rss_mb  # beside this script

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "benchmarks" / ".data" / "build_10000000" / "warehouse.duckdb"
TARGET_ABOVE_FLOOR_S = 15.0


def _peaks() -> dict[str, float]:
    """Peak RSS in MB of this process (its own VmHWM) and of its largest finished child (the kernel:
    ``ru_maxrss``, which also counts this process's RSS when it started the kernel)."""
    own = peak_rss_mb()
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"runner_mb": round(own, 1), "kernel_mb": round(child, 1)}


def measure_floor(workdir: Path) -> dict[str, float]:
    """papermill on a one-empty-cell notebook in the lrreport kernel."""
    import nbformat
    import papermill

    from lrreport.config import Settings
    from lrreport.reports.runner import ensure_kernel

    kernel = ensure_kernel(Settings().reports.kernel)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    src, out = workdir / "empty.ipynb", workdir / "empty.out.ipynb"
    nbformat.write(nb, str(src))
    started = time.perf_counter()
    papermill.execute_notebook(str(src), str(out), kernel_name=kernel, progress_bar=False)
    return {"seconds": round(time.perf_counter() - started, 2), **_peaks()}


def measure_overview(database: Path, start: str, end: str, workdir: Path) -> dict[str, float]:
    """``run_report`` of the overview, HTML included."""
    from lrreport.config import load_settings
    from lrreport.reports.runner import run_report

    settings = load_settings(env={}).with_database(database)
    started = time.perf_counter()
    result = run_report(
        settings, "overview", {"start_date": start, "end_date": end}, output_dir=workdir / "reports"
    )
    seconds = time.perf_counter() - started
    assert result.html is not None
    return {
        "seconds": round(seconds, 2),
        "html_mb": round(result.html.stat().st_size / 1e6, 2),
        **_peaks(),
    }


def _child(args: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _period(database: Path, days: int) -> tuple[str, str, int]:
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        ).fetchall()}  # fmt: skip
        if "marts.fct_sends" not in tables:
            raise SystemExit(f"{database} has no marts: run `lrreport build --database {database}` first")
        last, sends = con.execute("SELECT max(sent_date), count(*) FROM marts.fct_sends").fetchone()
    finally:
        con.close()
    if last is None:
        raise SystemExit(f"{database} has no sends")
    end: date = last
    return (end - timedelta(days=days - 1)).isoformat(), end.isoformat(), int(sends)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=DEFAULT_DB, help="built warehouse (marts)")
    parser.add_argument("--days", type=int, default=30, help="report period: the last N days of data")
    parser.add_argument("--repeat", type=int, default=1, help="measure each side this many times (best kept)")
    parser.add_argument("--_child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._child is not None:  # one measurement in this fresh process
        kind, *rest = args._child
        with tempfile.TemporaryDirectory(prefix="lrreport-bench-") as tmp:
            if kind == "floor":
                print(json.dumps(measure_floor(Path(tmp))))
            else:
                print(json.dumps(measure_overview(Path(rest[0]), rest[1], rest[2], Path(tmp))))
        return

    database = args.database.resolve()
    if not database.is_file():
        raise SystemExit(
            f"no warehouse at {database}: build one (benchmarks/build_models.py --sizes 10000000) "
            "or pass --database"
        )
    start, end, sends = _period(database, args.days)
    print(f"overview of {start}..{end} on {database} ({sends:,} sends in marts.fct_sends)", flush=True)
    floors = [_child(["--_child", "floor"]) for _ in range(args.repeat)]
    overviews = [_child(["--_child", "overview", str(database), start, end]) for _ in range(args.repeat)]
    floor = min(floors, key=lambda r: r["seconds"])
    overview = min(overviews, key=lambda r: r["seconds"])
    above = overview["seconds"] - floor["seconds"]
    print(f"{'':28}{'wall s':>9}{'runner MB':>11}{'kernel MB':>11}")
    for label, r in (("papermill, empty notebook", floor), ("overview report (HTML)", overview)):
        print(f"{label:28}{r['seconds']:>9.2f}{r['runner_mb']:>11.0f}{r['kernel_mb']:>11.0f}")
    verdict = "met" if above <= TARGET_ABOVE_FLOOR_S else "NOT met"
    ratio = overview["seconds"] / floor["seconds"]
    print(
        f"overview: {above:.1f} s above the papermill floor (target <= {TARGET_ABOVE_FLOOR_S:.0f} s: "
        f"{verdict}), {ratio:.1f}x the floor; HTML {overview['html_mb']:.2f} MB"
    )


if __name__ == "__main__":
    main()
