"""Executed notebook -> one self-contained HTML page a stakeholder can open offline.

The page shows outputs only (no code, no parameters cells, no papermill metadata), carries its own
CSS, and embeds the installed plotly.js exactly once in the head. By default plotly.js is stored
gzip-compressed and base64-encoded (about 2 MB instead of 4.8 MB) and unpacked by the browser's
``DecompressionStream`` (Chrome/Edge 80+, Safari 16.4+, Firefox 113+); ``compress_plotly=False``
embeds it as a plain ``<script>``. Figures emitted by ``display.show`` queue until it is ready.
"""

from __future__ import annotations

import base64
import copy
import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nbformat
import plotly
from nbconvert import HTMLExporter

from lrreport import __version__
from lrreport.reports.display import PLOT_QUEUE

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "lrreport"
PLOTLY_MARKER = "<!-- lrreport:plotly.js -->"
# Cells with these tags never reach the HTML.
DROP_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell", "hide-cell"})


@dataclass(frozen=True)
class PageInfo:
    """What the page says about itself besides the notebook's own outputs."""

    title: str
    generated_at: datetime  # timezone-aware
    timezone: str  # zone the generation time is shown in
    footer: str = ""  # e.g. notebook name and date range in words


def plotly_js_path() -> Path:
    """plotly.min.js shipped inside the installed plotly package."""
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.js is missing from the plotly package ({path})")
    return path


@cache
def _plotly_js_gzip_b64() -> str:
    raw = plotly_js_path().read_bytes()
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


_LOADER = """<script type="text/javascript">
(function () {
  var QUEUE = "%(queue)s";
  function drain() {
    var queue = window[QUEUE] || [];
    window[QUEUE] = [];
    for (var i = 0; i < queue.length; i++) { queue[i](); }
  }
  function fail(message) {
    console.error(message);
    var mark = function () {
      var divs = document.querySelectorAll(".lrreport-plot");
      for (var i = 0; i < divs.length; i++) {
        divs[i].className += " lrreport-plot-error";
        divs[i].style.height = "auto";
        divs[i].textContent = "This chart needs a newer browser " +
          "(Chrome or Edge 80+, Safari 16.4+, Firefox 113+).";
      }
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); }
    else { mark(); }
  }
  %(body)s
})();
</script>"""

_UNPACK = """if (!window.DecompressionStream || !window.Response || !window.Blob) {
    fail("lrreport: this browser cannot unpack the embedded plotly.js");
    return;
  }
  var packed = document.getElementById("lrreport-plotlyjs").textContent.replace(/\\s+/g, "");
  var binary = atob(packed);
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (source) {
    var script = document.createElement("script");
    script.text = source;
    document.head.appendChild(script);
    if (!window.Plotly) { throw new Error("plotly.js did not define window.Plotly"); }
    drain();
  }).catch(function (err) { fail("lrreport: could not load the embedded plotly.js: " + err); });"""


def plotly_head(compress: bool = True) -> str:
    """The ``<head>`` snippet that embeds plotly.js once and then draws the queued figures."""
    if compress:
        data = (
            '<script type="application/octet-stream" id="lrreport-plotlyjs">'
            + _plotly_js_gzip_b64()
            + "</script>\n"
        )
        return data + _LOADER % {"queue": PLOT_QUEUE, "body": _UNPACK}
    source = plotly_js_path().read_text(encoding="utf-8").replace("</script", "<\\/script")
    source = source.replace("<!--", "<\\!--")
    return f'<script type="text/javascript" id="lrreport-plotlyjs">{source}</script>\n' + _LOADER % {
        "queue": PLOT_QUEUE,
        "body": "drain();",
    }


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def presentable_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with only what a reader should see.

    Drops the parameters and injected-parameters cells, cells tagged ``remove-cell``, code cells
    without outputs and stderr streams (warnings); clears notebook and cell metadata so papermill's
    bookkeeping never reaches the page.
    """
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if DROP_TAGS.intersection(_tags(cell)):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.get("outputs", []) if not (o.output_type == "stream" and o.name == "stderr")
            ]
            if not cell.outputs:
                continue
            for o in cell.outputs:
                if "metadata" in o:
                    o.metadata = {k: v for k, v in o.metadata.items() if k != "papermill"}
        cell.metadata = nbformat.NotebookNode()
        cells.append(cell)
    out.cells = cells
    out.metadata = nbformat.NotebookNode()
    return out


@cache
def _css() -> str:
    return (TEMPLATES_DIR / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")


def generated_text(when: datetime, tz: str) -> str:
    """``"2025-03-01 06:00 EST (America/New_York), 11:00 UTC"``: the time with its zones named."""
    local = when.astimezone(ZoneInfo(tz))
    utc = when.astimezone(ZoneInfo("UTC"))
    text = f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({tz})"
    if tz != "UTC":
        text += f", {utc:%Y-%m-%d %H:%M} UTC"
    return text


def render_html(nb: nbformat.NotebookNode, page: PageInfo, compress_plotly: bool = True) -> str:
    """HTML for an executed notebook: outputs only, own CSS, plotly.js embedded once, offline."""
    if page.generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=False,  # no BeautifulSoup pass over 2 MB; notebooks draw with plotly, not image files
    )
    resources = {
        "lrreport": {
            "title": page.title,
            "generated_text": generated_text(page.generated_at, page.timezone),
            "footer_text": page.footer,
            "version": __version__,
            "css": _css(),
        }
    }
    body, _ = exporter.from_notebook_node(presentable_notebook(nb), resources=resources)
    # plotly.js goes in after nbconvert's own HTML clean-up pass, which need not parse 2 MB of it
    if body.count(PLOTLY_MARKER) != 1:
        raise RuntimeError("the report template lost its plotly.js marker")
    return body.replace(PLOTLY_MARKER, plotly_head(compress_plotly))
