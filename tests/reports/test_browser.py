"""The published HTML in real headless Chromium, every request but the file itself blocked.

Chromium missing is a failure here, not a skip (`make browser` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from lrreport.reports.browser_check import BrowserReport, BrowserSession
from lrreport.reports.export import PageInfo, render_html

from .conftest import GoodRun

pytestmark = pytest.mark.xdist_group("browser")  # one worker: its fixtures are made once


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserSession]:
    with BrowserSession() as session:
        yield session


@pytest.fixture(scope="module")
def seen(good_run: GoodRun, browser: BrowserSession) -> BrowserReport:
    return browser.check(good_run.html)


def test_every_figure_draws_offline_without_errors(seen: BrowserReport) -> None:
    seen.assert_ok(min_plots=2)
    assert (seen.expected_plots, seen.drawn_plots, seen.plots_with_svg) == (2, 2, 2)
    assert seen.requests == [] and seen.console_errors == [] and seen.page_errors == []
    assert seen.title.startswith("Test figures report")


def test_script_in_content_shows_as_text(seen: BrowserReport) -> None:
    # the text is visible as characters and was never run (an alert would have needed a dialog)
    assert seen.body_text.count("<script>alert(1)</script> & <b>bold</b>") == 2


def test_plain_plotly_embedding_draws_too(good_run: GoodRun, browser: BrowserSession, tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    nb = nbformat.read(str(good_run.folder / "figures.ipynb"), as_version=4)
    page = PageInfo("plain", datetime(2025, 1, 21, tzinfo=ZoneInfo("UTC")), "UTC")
    html = tmp_path / "plain.html"
    html.write_text(render_html(nb, page, compress_plotly=False), encoding="utf-8")
    report = browser.check(html)
    report.assert_ok(min_plots=2)


def test_the_check_catches_a_leaking_page(browser: BrowserSession, tmp_path: Path) -> None:
    page = tmp_path / "leaky.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>t</title>"
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head><body>'
        '<div class="lrreport-plot"></div><img src="https://example.com/pixel.png">'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    report = browser.check(page, timeout_s=2)
    assert not report.ok
    assert "https://example.com/pixel.png" in report.requests
    assert "https://cdn.example.com/x.css" in report.requests
    assert "boom" in report.console_errors
    assert (report.expected_plots, report.drawn_plots) == (1, 0)
    with pytest.raises(AssertionError, match="request left the page"):
        report.assert_ok()


def test_screenshot_on_a_phone_sized_viewport(good_run: GoodRun, tmp_path: Path) -> None:
    """The one-shot helper the lead uses for the README (it reuses an open session)."""
    from lrreport.reports.browser_check import screenshot

    png = tmp_path / "report.png"
    report = screenshot(good_run.html, png, width=390, height=844)
    report.assert_ok(min_plots=2)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert report.page_width <= 390, f"page scrolls sideways on a phone: {report.page_width}px"
