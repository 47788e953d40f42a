"""Show plotly figures and text in notebooks so that JupyterLab and the HTML export both draw them.

``show(fig)`` emits one output with two representations:

* ``application/vnd.plotly.v1+json``: JupyterLab (and VS Code) draw it with their own plotly.js.
  The ``jupyterlab-plotly`` mime extension ships inside the plotly wheel, so an ``lrreport`` install
  renders figures in Lab with no further step (``lab_renderer_installed()`` checks it).
* ``text/html``: a ``<div>`` and a small script that calls ``Plotly.newPlot``; it never includes
  plotly.js. The HTML export puts plotly.js in the page head once; until it is ready, the scripts
  queue their drawing in ``window.__lrreportPlotQueue`` and the head drains that queue.
"""

from __future__ import annotations

import html
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from IPython.display import display
from plotly.io.json import to_json_plotly

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOT_QUEUE = "__lrreportPlotQueue"
# Offline reports: no control may reach a network. plotly.js 3 shows a "Share" (send to Chart Studio)
# button unless told not to, and the logo links to plotly.com; zoom, pan and download-as-PNG stay.
DEFAULT_CONFIG: dict[str, Any] = {
    "responsive": True,
    "displaylogo": False,
    "showSendToCloud": False,
    "plotlyServerURL": "",
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
DEFAULT_HEIGHT_PX = 450


def _figure_dict(fig: Any) -> dict[str, Any]:
    """The figure as plain JSON data (numpy/pandas values converted by plotly's own encoder)."""
    if isinstance(fig, dict):
        return json.loads(to_json_plotly(fig))
    return json.loads(to_json_plotly(fig.to_plotly_json()))


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>``, ``/`` or ``&`` literally)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("/", "\\u002f"), ("&", "\\u0026")):
        text = text.replace(raw, safe)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def figure_html(fig: Any, config: dict[str, Any] | None = None, div_id: str | None = None) -> str:
    """The ``text/html`` of a figure: a sized ``<div>`` and a script that draws it with Plotly."""
    spec = _figure_dict(fig)
    layout = spec.get("layout", {})
    height = layout.get("height") or DEFAULT_HEIGHT_PX
    div_id = div_id or f"lrreport-plot-{uuid.uuid4().hex[:12]}"
    payload = {
        "id": div_id,
        "data": spec.get("data", []),
        "layout": layout,
        "config": {**DEFAULT_CONFIG, **(config or {})},
    }
    return (
        f'<div class="lrreport-plot" id="{html.escape(div_id)}" '
        f'style="width:100%;height:{int(height)}px;"></div>\n'
        '<script type="text/javascript">(function () {\n'
        f"  var spec = {_script_json(payload)};\n"
        "  function draw() {\n"
        "    try { Plotly.newPlot(spec.id, spec.data, spec.layout, spec.config); }\n"
        "    catch (err) { console.error('lrreport: figure ' + spec.id + ' failed: ' + err); }\n"
        "  }\n"
        "  if (window.Plotly && window.Plotly.newPlot) { draw(); }\n"
        f"  else {{ (window.{PLOT_QUEUE} = window.{PLOT_QUEUE} || []).push(draw); }}\n"
        "})();</script>"
    )


def figure_bundle(fig: Any, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The mime bundle ``show`` displays: plotly JSON for Lab, HTML for the export, plain text."""
    spec = _figure_dict(fig)
    title = spec.get("layout", {}).get("title", {})
    title_text = title.get("text") if isinstance(title, dict) else title
    merged = {**DEFAULT_CONFIG, **(config or {})}
    return {
        PLOTLY_MIME: {"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": merged},
        "text/html": figure_html(spec, config=config),
        "text/plain": f"<Figure: {title_text}>" if title_text else "<Figure>",
    }


def show(fig: Any, config: dict[str, Any] | None = None) -> None:
    """Display a plotly figure in a notebook (Lab draws the JSON, the HTML export draws the div)."""
    display(figure_bundle(fig, config=config), raw=True)


def escape(value: Any) -> str:
    """HTML-escaped text of any value (``None`` becomes an empty string)."""
    return "" if value is None else html.escape(str(value), quote=True)


def text_html(text: Any, tag: str = "p", css_class: str = "") -> str:
    """``<tag class=...>text</tag>`` with every character of ``text`` escaped."""
    if tag not in ("p", "div", "span", "pre", "h2", "h3", "li", "blockquote"):
        raise ValueError(f"tag {tag!r} is not allowed")
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return f"<{tag}{cls}>{escape(text)}</{tag}>"


def show_text(text: Any, tag: str = "p", css_class: str = "") -> None:
    """Display text as HTML with every character escaped (message content can hold ``<script>``)."""
    display({"text/html": text_html(text, tag, css_class), "text/plain": str(text)}, raw=True)


def lab_renderer_installed() -> bool:
    """True when JupyterLab's plotly mime renderer (``jupyterlab-plotly``) is installed."""
    from jupyter_core.paths import jupyter_path

    candidates = [Path(p) / "jupyterlab-plotly" for p in jupyter_path("labextensions")]
    candidates.append(Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-plotly")
    return any((c / "package.json").is_file() for c in candidates)
