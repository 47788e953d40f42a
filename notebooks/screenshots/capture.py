"""Screenshots of the four reports at desktop (1280 px) and phone (390 px) width, for the README.

Runs each report on a warehouse (by default the one ``make demo`` fills) for its last 30 days and
saves what headless Chromium draws, the network blocked, as ``<report>-desktop.png`` and
``<report>-phone.png`` beside this file. A report that does not draw cleanly is an error.

    make demo && .venv/bin/python notebooks/screenshots/capture.py [--database demo/lrreport.duckdb]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from lrreport import api
from lrreport.reports.browser_check import BrowserSession
from lrreport.reports.runner import run_report

HERE = Path(__file__).resolve().parent
REPORTS = ("overview", "message", "list_health", "attribution")
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="demo/lrreport.duckdb", help="the warehouse to report on")
    args = parser.parse_args()
    con = api.connect(args.database)
    end = con.execute("SELECT max(sent_date) FROM marts.fct_sends").fetchone()[0]
    con.close()
    params = {"start_date": (end - timedelta(days=29)).isoformat(), "end_date": end.isoformat()}
    with tempfile.TemporaryDirectory() as tmp, BrowserSession() as browser:
        settings = api.settings(args.database)
        for name in REPORTS:
            html = run_report(settings, name, params, output_dir=tmp).html
            for label, (width, height) in WIDTHS.items():
                png = HERE / f"{name}-{label}.png"
                seen = browser.screenshot(html, png, width=width, height=height)
                seen.assert_ok(min_plots=1)
                print(f"{png.relative_to(HERE.parent.parent)}: {png.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
