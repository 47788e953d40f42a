"""Every report notebook executed with papermill on the demo warehouse and on an empty date range."""

from __future__ import annotations

import re

import nbformat
import pytest

from lrreport.reports.display import PLOTLY_MIME
from lrreport.reports.params import read_notebook_info

from .conftest import HOSTILE, NAMES, NOTEBOOKS

pytestmark = pytest.mark.xdist_group("notebooks")  # one worker: its fixtures are made once

# Figures each notebook draws on a week of demo data (every section has data there).
MIN_FIGURES = {"overview": 5, "message": 4, "list_health": 3, "attribution": 3}
COMMON_PARAMETERS = ("start_date", "end_date", "sender_code_id", "timezone", "database", "mask_phone_numbers")


def _figures(run) -> int:
    return sum(1 for o in run.outputs() if PLOTLY_MIME in o.get("data", {}))


def _errors(run) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for o in run.outputs() if o.get("output_type") == "error"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_on_demo_data(runs, name):
    run = runs[(name, "demo")]
    assert run.notebook is not None, run.error
    assert _errors(run) == []
    assert _figures(run) >= MIN_FIGURES[name]
    html = run.html()
    # header: the period in words, each source's freshness and generation time with the zone named
    assert 'class="lr-header"' in html
    assert re.search(r"Send log data</dt><dd>to \d{4}-\d{2}-\d{2} \d{2}:\d{2} \w+ \(America/New_York\)", html)
    assert "Generated</dt>" in html
    assert "No data in this period" not in html
    # every figure also carries the HTML the export draws (plotly.js itself never embedded)
    figure_html = [o["data"]["text/html"] for o in run.outputs() if PLOTLY_MIME in o.get("data", {})]
    assert all("Plotly.newPlot" in h and "plotly.min.js" not in h for h in figure_html)


def test_overview_tiles_narrative_and_definitions(runs):
    html = runs[("overview", "demo")].html()
    tiles = re.findall(r'<div class="lr-kpi" role="listitem"', html)
    assert len(tiles) == 7 + 5  # the key numbers, then the clicks GA4 counted
    for label in ("Send attempts", "Acceptance rate", "Unique recipients", "Segments", "Attributed revenue",
                  "Revenue / accepted send", "Opt-out rate (24 h)", "Sessions (GA4)", "Click-through (GA4 sessions)",
                  "Conversion rate (GA4)", "GA4-attributed revenue", "Average order value (GA4)"):
        assert f'<p class="lr-label">{label}</p>' in html
    assert re.search(r"GA4 counted [\d,]+ sessions from SMS links, [\d.]+% of accepted sends", html)
    assert "vs previous 7 days" in html
    assert re.search(r"[\u25b2\u25bc\u25cf]", html)  # direction shown by an arrow, not colour alone
    assert re.search(r"(rose|fell|held at) .*% on [\d,]+ send attempts", html)  # narrative from numbers
    assert "Time zone</dt><dd>Days are calendar days in America/New_York" in html


@pytest.mark.parametrize("name", NAMES)
def test_notebook_on_empty_range(runs, name):
    run = runs[(name, "empty")]
    assert run.notebook is not None, run.error
    assert _errors(run) == []
    assert _figures(run) == 0
    html = run.html()
    assert "No data in this period (Mon 1 Jan 2001 to Wed 31 Jan 2001 (31 days))" in html
    assert 'class="lr-note"' in html


def test_no_phone_number_appears_unmasked(runs, notebook_warehouse):
    assert len(notebook_warehouse.phones) > 1000
    for key, run in runs.items():
        text = run.text()
        leaked = [p for p in notebook_warehouse.phones if p in text or p[1:] in text]
        assert leaked == [], f"{key}: phone numbers in the output: {leaked[:3]}"
    # masked numbers are there (the message notebook lists orders with their phone)
    assert re.search(r"\+1 \d{3} \u2022\u2022\u2022-\u2022\u2022\d{2}", runs[("message", "demo")].html())


def test_message_content_is_escaped(runs):
    html = runs[("message", "demo")].html()
    assert "&lt;script&gt;alert(&#x27;lrreport&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    for run in runs.values():
        for output in run.outputs():
            assert HOSTILE not in output.get("data", {}).get("text/html", "")
            assert "<b>bold</b>" not in output.get("data", {}).get("text/html", "")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_files_are_clean_and_parameterised(name):
    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert len(cell.source.splitlines()) <= 16, "notebook cells stay short"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    info = read_notebook_info(path)
    params = {p.name: p for p in info.parameters}
    assert set(COMMON_PARAMETERS) <= set(params)
    assert params["sender_code_id"].default is None and params["mask_phone_numbers"].default is True
    assert all(p.help for p in info.parameters), "every parameter has a comment"
    secretish = re.compile(r"secret|token|password|client_id", re.I)
    assert not [p.name for p in info.parameters if secretish.search(p.name)]
