"""`lrreport report run|list`, `lab`: real papermill executions and what the HTML may contain."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from lrreport.reports.export import plotly_js_path
from lrreport.reports.index import IndexEntry, render_index
from lrreport.reports.runner import MANAGED_KERNEL, ensure_kernel, run_report

from .conftest import NOTEBOOKS, GoodRun, run_cli, test_settings

SCRIPT_TEXT = "<script>alert(1)</script>"
BLOB = re.compile(r'(<script[^>]*id="lrreport-plotlyjs"[^>]*>)([A-Za-z0-9+/=\s]+)(</script>)')


def _without_plotly(html: str) -> str:
    return BLOB.sub(r"\1\3", html)


def test_run_writes_a_dated_folder(good_run: GoodRun) -> None:
    folder = good_run.folder
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{6}_2025-01-05_2025-01-20", folder.name)
    assert sorted(p.name for p in folder.iterdir()) == ["figures.html", "figures.ipynb", "report.json"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's private 0700
    meta = json.loads((folder / "report.json").read_text())
    assert meta["status"] == "ok" and meta["start"] == "2025-01-05" and meta["end"] == "2025-01-20"
    assert meta["parameters"]["timezone"] == "America/New_York"
    assert str(good_run.html) in good_run.stdout
    # the executed notebook keeps papermill's record, the injected parameters included
    nb = nbformat.read(str(folder / "figures.ipynb"), as_version=4)
    assert "papermill" in nb.metadata
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'start_date = "2025-01-05"' in injected[0].source
    assert (good_run.output / "figures" / "latest.html").read_bytes() == good_run.html.read_bytes()


def test_html_shows_outputs_only(good_run: GoodRun) -> None:
    html = good_run.html.read_text(encoding="utf-8")
    body = _without_plotly(html)
    # no code, no parameters, no papermill metadata, no warnings
    for code in (
        "import duckdb",
        "show(fig)",
        "if fail:",
        "time.sleep",
        "start_date = ",
        "mask_phone_numbers",
    ):
        assert code not in body, code
    for leftover in ("papermill", "injected-parameters", "celltag_parameters", "a warning that must not"):
        assert leftover not in body, leftover
    # the notebook's own outputs are there
    assert "16 days from 2025-01-05 to 2025-01-20 in America/New_York" in body
    assert body.count('class="lrreport-plot"') == 2
    assert "Sends per day, figure 2" in body
    # a title and the generation time with the zones named
    assert "<title>Test figures report — 5–20 Jan 2025 (16 days)</title>" in body
    assert re.search(r"Generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} E[SD]T \(America/New_York\), .* UTC", body)
    assert re.search(
        r'<meta (content="width=device-width, initial-scale=1" name="viewport"|'
        r'name="viewport" content="width=device-width, initial-scale=1")',
        body,
    )


def test_html_escapes_message_content(good_run: GoodRun) -> None:
    body = _without_plotly(good_run.html.read_text(encoding="utf-8"))
    assert SCRIPT_TEXT not in body
    # once through display.show_text (HTML output), once through print (stream output)
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;") == 2


def test_plotly_js_embedded_once_and_nothing_external(good_run: GoodRun) -> None:
    html = good_run.html.read_text(encoding="utf-8")
    blobs = BLOB.findall(html)
    assert len(blobs) == 1
    head = html.split("</head>", 1)[0]
    assert BLOB.search(head), "plotly.js must sit in the head"
    embedded = gzip.decompress(base64.b64decode(blobs[0][1]))
    assert embedded == plotly_js_path().read_bytes()
    body = _without_plotly(html)
    assert "plotly.js v" not in body  # no second, uncompressed copy anywhere
    assert not re.search(r"https?://", body), re.findall(r".{40}https?://.{40}", body)[:3]
    assert not re.search(r"""(src|href)\s*=\s*["']?(//|[a-z]+:)""", body, re.I)
    for fetcher in ("require.js", "mathjax", "cdn.", "fonts.googleapis", "@import"):
        assert fetcher not in body.lower(), fetcher
    assert len(html.encode()) < 3_000_000  # compressed plotly.js keeps reports small


def test_index_lists_reports_newest_first(good_run: GoodRun) -> None:
    index = (good_run.output / "index.html").read_text(encoding="utf-8")
    rel = good_run.html.relative_to(good_run.output).as_posix()
    assert f'href="{rel}"' in index and "2025-01-05 – 2025-01-20" in index
    assert "<script" not in index and not re.search(r"https?://", index)


def test_index_escapes_everything(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def entry(title: str, hour: int) -> IndexEntry:
        return IndexEntry(
            report="r", title=title, notebook="n", start="2025-01-01", end="2025-01-02", timezone="UTC",
            generated_at=datetime(2025, 1, 3, hour, tzinfo=ZoneInfo("UTC")),
            html=Path('r/x"><img src=x onerror=alert(1)>/n.html'), schedule=None,
        )  # fmt: skip

    page = render_index([entry("<img src=x onerror=alert(1)>", 5), entry("older", 1)])
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.index("&lt;img") < page.index("older")


def test_failed_run_keeps_notebook_and_last_good_html(
    good_run: GoodRun, warehouse: Path, tmp_path: Path
) -> None:
    output = tmp_path / "reports"
    args = ["report", "run", "figures", "--notebooks", str(NOTEBOOKS), "--database", str(warehouse),
            "--output", str(output), "-p", "start_date=2025-01-01", "-p", "end_date=2025-01-02",
            "-p", "figures=1"]  # fmt: skip
    code, _, err = run_cli(*args)
    assert code == 0, err
    latest = output / "figures" / "latest.html"
    good_html = next(output.glob("figures/2*/figures.html"))
    before = (latest.read_bytes(), good_html.read_bytes(), (output / "index.html").read_text())

    code, out, err = run_cli(*args, "-p", "fail=true")
    assert code == 1
    assert "cell 8 (`if fail:`)" in err and "RuntimeError: the failing cell failed on purpose" in err
    failed = list((output / "figures" / "failed").iterdir())
    assert len(failed) == 1
    nb = nbformat.read(str(failed[0] / "figures.ipynb"), as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError"
    assert "the failing cell failed on purpose" in (failed[0] / "error.txt").read_text()
    assert not list(failed[0].glob("*.html"))
    # nothing published over the last good report
    assert (latest.read_bytes(), good_html.read_bytes(), (output / "index.html").read_text()) == before
    assert len(list(output.glob("figures/2*/figures.html"))) == 1
    assert not list((output / "figures").glob(".partial-*"))


def test_bad_parameters_run_nothing(warehouse: Path, tmp_path: Path) -> None:
    output = tmp_path / "reports"
    base = ["report", "run", "figures", "--notebooks", str(NOTEBOOKS), "--database", str(warehouse),
            "--output", str(output)]  # fmt: skip
    for extra, message in [
        (["-p", "colour=red"], "has no parameter colour"),
        (["-p", "start_date=2025-02-30"], "is not a date"),
        (["-p", "start_date=2025-03-05", "-p", "end_date=2025-03-01"], "before start_date"),
        (["-p", "figures=lots"], "expected a whole number"),
        (["-p", "start_date"], "expected key=value"),
    ]:
        code, _, err = run_cli(*base, *extra)
        assert code == 2 and message in err and "nothing was run" in err, err
    code, _, err = run_cli(
        "report", "run", "nosuch", "--notebooks", str(NOTEBOOKS), "--database", str(warehouse)
    )
    assert code == 2 and "no notebook named 'nosuch'" in err and "figures, minimal" in err
    code, _, err = run_cli(
        *base[:-4], "--database", str(tmp_path / "missing.duckdb"), "--output", str(output)
    )
    assert code == 2 and "does not exist" in err
    assert not output.exists() or not any(output.rglob("*.ipynb"))


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"cell_timeout_s": 2, "run_timeout_s": 600}, "per-cell limit 2 s"),
        ({"cell_timeout_s": 600, "run_timeout_s": 4}, "whole-run limit 4 s"),
    ],
)
def test_time_limits_stop_the_run(warehouse: Path, tmp_path: Path, limits: dict, expected: str) -> None:
    settings = test_settings(warehouse, tmp_path / "reports", **limits)
    result = run_report(
        settings, str(NOTEBOOKS / "figures.ipynb"), {"sleep_s": "60", "figures": "0"}, check=False
    )
    assert not result.ok
    assert result.duration_s < 40
    assert "cell 7 (`import warnings`)" in (result.error or ""), result.error
    assert expected in (result.error or ""), result.error
    assert result.ipynb.is_file()


def test_report_list_reads_the_notebooks() -> None:
    code, out, _ = run_cli("report", "list", "--notebooks", str(NOTEBOOKS))
    assert code == 0
    assert "figures: Test figures report" in out and "minimal: Minimal" in out
    # brackets in help text are text, not rich markup
    assert "how many figures to draw [0-5]" in out and "sender_code_id" in out and "int or None" in out


def test_report_list_default_folder_has_the_real_notebooks() -> None:
    code, out, _ = run_cli("report", "list")
    assert code == 0
    for name in ("overview", "message", "list_health", "attribution"):
        assert f"{name}:" in out


def test_lab_dry_run_builds_the_command(warehouse: Path) -> None:
    code, out, _ = run_cli("lab", "--dry-run", "--no-browser", "--port", "8899", "--database", str(warehouse))
    assert code == 0
    assert f"LRREPORT_DATABASE={warehouse}" in out
    line = out.strip().splitlines()[-1]
    assert line.startswith(f"{sys.executable} -m jupyterlab --ServerApp.root_dir=")
    assert line.rstrip().endswith("notebooks --ServerApp.port=8899 --no-browser")


def test_managed_kernel_runs_this_interpreter() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    assert ensure_kernel(MANAGED_KERNEL) == MANAGED_KERNEL
    spec = KernelSpecManager().get_kernel_spec(MANAGED_KERNEL)
    assert spec.argv[0] == sys.executable
