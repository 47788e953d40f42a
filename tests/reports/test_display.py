"""display.show's mime bundle: plotly JSON for Lab, an HTML div + Plotly.newPlot for the export."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest

from lrreport.reports.display import (
    PLOTLY_MIME,
    escape,
    figure_bundle,
    figure_html,
    lab_renderer_installed,
    text_html,
)


def _fig() -> go.Figure:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="</script><script>alert(1)</script>"))
    fig.update_layout(title="Sends & <b>more</b>", height=300)
    return fig


def test_bundle_has_plotly_json_and_html_without_plotly_js() -> None:
    bundle = figure_bundle(_fig())
    assert set(bundle) == {PLOTLY_MIME, "text/html", "text/plain"}
    spec = bundle[PLOTLY_MIME]
    assert spec["data"][0]["y"] == [1, 2] and spec["config"]["displaylogo"] is False
    html = bundle["text/html"]
    assert "Plotly.newPlot" in html and 'class="lrreport-plot"' in html and "height:300px" in html
    assert "plotly.js v" not in html and len(html) < 20_000  # the library itself is never inside
    assert bundle["text/plain"] == "<Figure: Sends & <b>more</b>>"


def test_data_cannot_close_the_script() -> None:
    html = figure_html(_fig())
    script = html.split("<script", 1)[1]
    assert script.count("</script>") == 1  # only the real end tag
    payload = re.search(r"var spec = (\{.*\});", html).group(1)
    assert json.loads(payload)["data"][0]["name"] == "</script><script>alert(1)</script>"


def test_text_is_escaped() -> None:
    assert escape('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert escape(None) == ""
    assert text_html("<script>alert(1)</script>", "pre", 'x" onclick="y') == (
        '<pre class="x&quot; onclick=&quot;y">&lt;script&gt;alert(1)&lt;/script&gt;</pre>'
    )
    with pytest.raises(ValueError):
        text_html("x", tag="script")


def test_jupyterlab_plotly_renderer_is_installed() -> None:
    # JupyterLab draws application/vnd.plotly.v1+json with the extension shipped in the plotly wheel
    assert lab_renderer_installed()
