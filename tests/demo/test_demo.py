"""The README's main command, end to end: `lrreport demo`, twice, and its report in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lrreport.reports.browser_check import check_report

pytestmark = pytest.mark.xdist_group("demo")  # one worker: its fixtures are made once


def run_demo(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lrreport.cli", "demo", "--dir", "demo", "--days", "14"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            table: con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0]
            for table in ("sends", "orders", "listrak_contacts", "listrak_optouts", "listrak_phone_lists",
                          "ga4_sessions", "ga4_days")
        }


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[subprocess.CompletedProcess]]:
    cwd = tmp_path_factory.mktemp("demo-cli")
    first = run_demo(cwd)
    assert first.returncode == 0, first.stdout + first.stderr
    after_first = counts(cwd / "demo" / "lrreport.duckdb")
    second = run_demo(cwd)
    assert second.returncode == 0, second.stdout + second.stderr
    assert counts(cwd / "demo" / "lrreport.duckdb") == after_first, "a second demo run changed the data"
    return cwd, [first, second]


def report_path(run: subprocess.CompletedProcess[str]) -> Path:
    match = re.search(r"^report:\s+(.+\.html)$", run.stdout, re.MULTILINE)
    assert match, run.stdout
    return Path(match.group(1).strip())


def test_demo_shows_progress_and_where_the_report_is(demo_runs):
    cwd, (first, second) = demo_runs
    for run in (first, second):
        assert "[1/6]" in run.stdout and "[6/6]" in run.stdout
        assert "GA4 simulator" in run.stdout
        assert report_path(run).is_file()
    loaded = counts(cwd / "demo" / "lrreport.duckdb")
    assert all(loaded[t] > 0 for t in ("sends", "orders", "listrak_optouts", "ga4_sessions"))


def test_second_run_keeps_the_first_report(demo_runs):
    _, (first, second) = demo_runs
    assert report_path(first) != report_path(second)
    assert report_path(first).is_file()
    index = report_path(second).parents[2] / "index.html"
    assert index.is_file()
    assert index.read_text().count("overview.html") >= 2


def test_demo_report_draws_offline_in_chromium(demo_runs):
    _, (_, second) = demo_runs
    html = report_path(second)
    seen = check_report(html)
    seen.assert_ok(min_plots=5)
    assert "Transactional SMS overview" in seen.title + seen.body_text
    # click-through from the GA4 simulator's sessions, labelled as GA4 sessions
    assert "Click-through (GA4 sessions)" in seen.body_text and "sessions from SMS links" in seen.body_text
    assert html.stat().st_size < 5 * 1024 * 1024


def test_demo_report_shows_no_phone_number(demo_runs):
    cwd, (_, second) = demo_runs
    text = report_path(second).read_text(encoding="utf-8")
    with duckdb.connect(str(cwd / "demo" / "lrreport.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT DISTINCT phone_number FROM raw.sends WHERE phone_number IS NOT NULL")
        phones = [r[0] for r in rows.fetchall()]
    assert phones
    leaked = [p for p in phones if p in text or p[2:] in text]
    assert not leaked, leaked[:5]


def test_each_step_prints_its_own_duration(demo_runs):
    """Issue 11 item 11: each step line ends with how long *that* step took, and the steps add up
    to the total (the time elapsed at each step's start, as before, adds up to far more)."""
    _, (first, _) = demo_runs
    steps = re.findall(r"^\[(\d)/6\] .+ \.\.\.  (\d+\.\d)s$", first.stdout, re.MULTILINE)
    assert [n for n, _ in steps] == ["1", "2", "3", "4", "5", "6"], first.stdout
    total = float(re.search(r"^done in (\d+\.\d)s$", first.stdout, re.MULTILINE).group(1))
    durations = [float(d) for _, d in steps]
    # six one-decimal roundings are off by at most 0.3 s; what runs between steps is instant
    assert sum(durations) <= total + 0.3, (durations, total)
    assert sum(durations) >= total - 1.0, (durations, total)
