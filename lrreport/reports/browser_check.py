"""Open a report in real headless Chromium with the network blocked: did every chart draw?

Used by the tests (ours, the notebooks', the lead's) and for the README screenshot. Every request
other than the report file itself is recorded and aborted, so ``requests`` lists anything the page
tried to fetch. Needs ``/usr/bin/chromium`` (``make browser``) and the ``playwright`` package;
missing either is an error, never a silent skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lrreport._exceptions import LrreportError

CHROMIUM = os.environ.get("LRREPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
)
_PLOTS_JS = """() => {
  const expected = document.querySelectorAll('.lrreport-plot, .plotly-graph-div').length;
  const drawn = document.querySelectorAll('.js-plotly-plot').length;
  const svgs = Array.from(document.querySelectorAll('.js-plotly-plot')).filter(
      (el) => el.querySelector('.main-svg')).length;
  const failed = document.querySelectorAll('.lrreport-plot-error').length;
  return {expected, drawn, svgs, failed};
}"""


# Text a reader must see whole in every chart: titles, tick labels, legend entries, colour-bar labels,
# annotations and the labels written on bars. Plotly draws each as an SVG <text>.
_LAYOUT_JS = """() => {
  const SELECTORS = ['.gtitle', '.g-xtitle text', '.g-ytitle text', '.xtick text', '.ytick text',
                     '.legendtext', '.cbtitle text', '.cbaxis .ytick text', '.annotation-text', '.bartext'];
  const problems = [];
  const visible = (el) => {
    if (!el.textContent.trim()) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    if (Number(style.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  plots.forEach((plot, index) => {
    const title = (plot.querySelector('.gtitle') || {}).textContent || `chart ${index + 1}`;
    const box = plot.getBoundingClientRect();
    const texts = [];
    for (const selector of SELECTORS) {
      for (const el of plot.querySelectorAll(selector)) {
        if (visible(el)) texts.push({el, selector, r: el.getBoundingClientRect()});
      }
    }
    for (const t of texts) {
      const {r} = t;
      const out = r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
                  r.bottom > box.bottom + 1;
      if (out) {
        problems.push(`${title}: "${t.el.textContent}" (${t.selector}) is cut off at the chart's edge`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 2 && h > 2) {
          problems.push(`${title}: "${texts[i].el.textContent}" (${texts[i].selector}) overlaps ` +
                        `"${texts[j].el.textContent}" (${texts[j].selector})`);
        }
      }
    }
  });
  return problems;
}"""
_CONTROLS_JS = """() => Array.from(new Set(Array.from(document.querySelectorAll('.modebar-btn'))
  .map((el) => el.getAttribute('data-title'))))"""


_active = threading.local()


class BrowserMissing(LrreportError, RuntimeError):
    """Chromium or playwright is not installed."""


@dataclass
class BrowserReport:
    """What headless Chromium saw when it opened a report."""

    url: str
    title: str = ""
    expected_plots: int = 0  # chart containers in the page
    drawn_plots: int = 0  # containers plotly turned into charts (.js-plotly-plot)
    plots_with_svg: int = 0  # charts with a rendered .main-svg
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # blocked requests other than the file
    body_text: str = ""
    page_width: int = 0  # document width in CSS pixels (wider than the viewport: sideways scrolling)
    layout_problems: list[str] = field(default_factory=list)  # chart text cut off or overlapping
    controls: list[str] = field(default_factory=list)  # the charts' mode-bar buttons, by title

    @property
    def ok(self) -> bool:
        return (
            not self.console_errors
            and not self.page_errors
            and not self.requests
            and self.drawn_plots == self.expected_plots
            and self.plots_with_svg == self.expected_plots
        )

    def problems(self) -> list[str]:
        out = [f"console error: {m}" for m in self.console_errors]
        out += [f"page error: {m}" for m in self.page_errors]
        out += [f"request left the page: {u}" for u in self.requests]
        if self.drawn_plots != self.expected_plots or self.plots_with_svg != self.expected_plots:
            out.append(
                f"{self.expected_plots} chart(s) in the page, {self.drawn_plots} drawn, "
                f"{self.plots_with_svg} with an SVG"
            )
        return out

    def assert_ok(self, min_plots: int = 0) -> None:
        """Raise AssertionError listing every problem (and too few charts, if ``min_plots``)."""
        problems = self.problems()
        if self.expected_plots < min_plots:
            problems.append(f"expected at least {min_plots} chart(s), the page has {self.expected_plots}")
        if problems:
            raise AssertionError(f"{self.url}:\n  " + "\n  ".join(problems))


def _launch(playwright: Any) -> Any:
    if not Path(CHROMIUM).is_file() and not shutil.which(CHROMIUM):
        raise BrowserMissing(f"Chromium not found at {CHROMIUM}: install it (make browser)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True)


def _sync_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a test dependency
        raise BrowserMissing("the playwright package is missing: pip install 'lrreport[test]'") from exc
    return sync_playwright()


def _open(page: Any, html_path: Path, report: BrowserReport, timeout_s: float) -> None:
    own = html_path.resolve().as_uri()

    def route(r: Any) -> None:
        if r.request.url.split("#", 1)[0] == own:
            r.continue_()
        else:
            report.requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report.page_errors.append(str(e)))
    page.goto(own, wait_until="load", timeout=timeout_s * 1000)
    # on playwright's TimeoutError the report says what was drawn so far
    with contextlib.suppress(Exception):
        page.wait_for_function(
            "() => { const s = (" + _PLOTS_JS + ")(); return s.failed > 0 || s.svgs >= s.expected; }",
            timeout=timeout_s * 1000,
        )
    page.wait_for_timeout(200)  # late console errors from the last draw


class BrowserSession:
    """One headless Chromium for several checks (launching it is the slow part).

    ``with BrowserSession() as b: b.check(path); b.screenshot(path, png)``
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._outer: BrowserSession | None = None

    def __enter__(self) -> BrowserSession:
        self._playwright = _sync_playwright().start()
        try:
            self._browser = _launch(self._playwright)
        except BaseException:
            self._playwright.stop()
            raise
        self._outer = getattr(_active, "session", None)
        _active.session = self
        return self

    def __exit__(self, *exc: object) -> None:
        _active.session = self._outer
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._playwright.stop()

    @contextlib.contextmanager
    def opened(
        self, html_path: str | os.PathLike[str], *, timeout_s: float = 30.0, width: int = 1280,
        height: int = 900,
    ) -> Iterator[tuple[Any, BrowserReport]]:
        """The report open in a fresh page (other requests blocked, downloads accepted) and what
        was seen on opening it, for checks that click or read the page themselves."""
        path = Path(html_path)
        if not path.is_file():
            raise FileNotFoundError(f"no report at {path}")
        report = BrowserReport(url=path.resolve().as_uri())
        context = self._browser.new_context(
            viewport={"width": width, "height": height}, service_workers="block", accept_downloads=True
        )
        try:
            page = context.new_page()
            _open(page, path, report, timeout_s)
            stats = page.evaluate(_PLOTS_JS)
            report.expected_plots = int(stats["expected"])
            report.drawn_plots = int(stats["drawn"])
            report.plots_with_svg = int(stats["svgs"])
            report.title = page.title()
            report.body_text = page.inner_text("body")
            report.page_width = int(page.evaluate("() => document.documentElement.scrollWidth"))
            report.layout_problems = list(page.evaluate(_LAYOUT_JS))
            report.controls = list(page.evaluate(_CONTROLS_JS))
            yield page, report
        finally:
            context.close()

    def check(
        self,
        html_path: str | os.PathLike[str],
        *,
        timeout_s: float = 30.0,
        width: int = 1280,
        height: int = 900,
        png_path: str | os.PathLike[str] | None = None,
        full_page: bool = True,
    ) -> BrowserReport:
        """Open ``html_path`` from file:// with all other requests blocked; optionally save a PNG."""
        with self.opened(html_path, timeout_s=timeout_s, width=width, height=height) as (page, report):
            if png_path is not None:
                out = Path(png_path)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=full_page)
        return report

    def screenshot(
        self, html_path: str | os.PathLike[str], png_path: str | os.PathLike[str], **kwargs: Any
    ) -> BrowserReport:
        """Save a PNG of the report as Chromium draws it; returns what it saw."""
        return self.check(html_path, png_path=png_path, **kwargs)


@contextlib.contextmanager
def _session() -> Iterator[BrowserSession]:
    """The session already open in this thread (Playwright allows one per thread), else a new one."""
    current = getattr(_active, "session", None)
    if current is not None:
        yield current
        return
    with BrowserSession() as session:
        yield session


def check_report(
    html_path: str | os.PathLike[str], *, timeout_s: float = 30.0, width: int = 1280, height: int = 900
) -> BrowserReport:
    """Open ``html_path`` from file:// in headless Chromium with all other requests blocked."""
    with _session() as browser:
        return browser.check(html_path, timeout_s=timeout_s, width=width, height=height)


def screenshot(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    width: int = 1280,
    height: int = 900,
    full_page: bool = True,
    timeout_s: float = 30.0,
) -> BrowserReport:
    """Save a PNG of the report as Chromium draws it (network blocked); returns what it saw."""
    with _session() as browser:
        return browser.check(
            html_path, png_path=png_path, width=width, height=height, full_page=full_page, timeout_s=timeout_s
        )
