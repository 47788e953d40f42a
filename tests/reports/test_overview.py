"""`lrreport report run overview` end to end on the shared demo warehouse, opened in Chromium."""

from __future__ import annotations

from pathlib import Path

from lrreport.reports.browser_check import check_report

from .conftest import run_cli


def test_overview_report_on_demo_data(demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    output = tmp_path / "reports"
    end = demo_warehouse.spec.end_date
    start = end.replace(day=1) if end.day > 7 else end
    code, out, err = run_cli(
        "report", "run", "overview", "--database", str(demo_warehouse.database), "--output", str(output),
        "-p", f"start_date={start.isoformat()}", "-p", f"end_date={end.isoformat()}",
    )  # fmt: skip
    assert code == 0, out + err
    (html,) = output.glob("overview/2*/overview.html")
    size = html.stat().st_size
    assert size < 5 * 1024 * 1024, f"overview is {size / 1e6:.1f} MB"
    seen = check_report(html)
    seen.assert_ok(min_plots=4)
    assert "send log data" in seen.body_text.lower()
