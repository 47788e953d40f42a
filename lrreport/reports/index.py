"""``reports/index.html``: every published report under an output folder, newest first.

Built from the ``report.json`` each successful run writes, so it can be regenerated at any time;
self-contained (inline CSS, no scripts) and every value escaped.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from lrreport import __version__

INDEX_NAME = "index.html"


@dataclass(frozen=True)
class IndexEntry:
    """One published report as the index lists it."""

    report: str
    title: str
    notebook: str
    start: str | None
    end: str | None
    timezone: str
    generated_at: datetime
    html: Path  # relative to the output folder
    schedule: str | None


def collect(output_dir: Path) -> list[IndexEntry]:
    """Successful reports under ``output_dir`` (``<report>/<run>/report.json``), newest first."""
    entries: list[IndexEntry] = []
    for meta_path in output_dir.glob("*/*/report.json"):
        try:
            meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("status") != "ok" or not meta.get("html"):
            continue
        html_path = meta_path.parent / str(meta["html"])
        if not html_path.is_file():
            continue
        try:
            generated = datetime.fromisoformat(str(meta["generated_at"]))
        except (KeyError, ValueError):
            continue
        entries.append(
            IndexEntry(
                report=str(meta.get("report", meta_path.parent.parent.name)),
                title=str(meta.get("title", "")),
                notebook=str(meta.get("notebook", "")),
                start=meta.get("start"),
                end=meta.get("end"),
                timezone=str(meta.get("timezone", "")),
                generated_at=generated,
                html=html_path.relative_to(output_dir),
                schedule=meta.get("schedule"),
            )
        )
    entries.sort(key=lambda e: (e.generated_at, str(e.html)), reverse=True)
    return entries


_CSS = """
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328}
main{max-width:1000px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d1d9e0;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
a{color:#0072b2}
.muted{color:#59636e;font-size:.85rem}
@media (max-width:640px){th.opt,td.opt{display:none}}
"""


def render_index(entries: list[IndexEntry], generated_at: datetime | None = None) -> str:
    """The index page's HTML."""
    e = html.escape
    rows = []
    for item in entries:
        period = f"{item.start} – {item.end}" if item.start and item.end else ""
        rows.append(
            "<tr>"
            f'<td><a href="{e(item.html.as_posix(), quote=True)}">{e(item.title or item.report)}</a>'
            f'<div class="muted">{e(item.report)}</div></td>'
            f"<td>{e(period)}</td>"
            f"<td>{e(item.generated_at.strftime('%Y-%m-%d %H:%M %Z'))}</td>"
            f'<td class="opt">{e(item.schedule or "manual")}</td>'
            "</tr>"
        )
    body = "\n".join(rows) or '<tr><td colspan="4">No reports yet.</td></tr>'
    stamp = (generated_at or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M %Z")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>lrreport reports</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<h1>Reports</h1>\n<p class="muted">{len(entries)} report(s), newest first. '
        f"Updated {e(stamp)} by lrreport {e(__version__)}.</p>\n"
        "<table>\n<thead><tr><th>Report</th><th>Period</th><th>Generated</th>"
        '<th class="opt">Schedule</th></tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )


def write_index(output_dir: Path) -> Path:
    """Regenerate ``<output_dir>/index.html`` (under a lock, replaced atomically)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / INDEX_NAME
    with FileLock(str(output_dir / ".index.lock"), timeout=120):
        text = render_index(collect(output_dir))
        tmp = output_dir / f".{INDEX_NAME}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    return target
