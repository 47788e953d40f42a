"""Fixtures for the notebook tests: the demo warehouse plus one hostile send, and the executed notebooks.

The warehouse is the lead's shared ``demo_warehouse`` (real pipeline), copied, with one more send
loaded through the real send-log loader and the models rebuilt: its content holds ``<script>`` so the
tests can see that message content reaches the report as text. Every notebook is executed once per
variant with papermill (two at a time) and the tests read the executed notebooks.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import nbformat
import pytest
from filelock import FileLock

from lrreport.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("overview", "message", "list_health", "attribution")
HOSTILE = "<script>alert('lrreport')</script>"


@dataclass(frozen=True)
class NotebookWarehouse:
    database: Path
    end: date  # last day of the demo data
    phones: frozenset[str]  # every E.164 number in the marts
    hostile_send_id: str


def _shared_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every xdist worker of this run shares (the run's own temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def notebook_warehouse(demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> NotebookWarehouse:
    """A copy of the demo warehouse with one accepted send whose content holds a <script> tag.

    Built once per test run (under a lock when xdist workers share it); read-only afterwards.
    """
    folder = _shared_dir(tmp_path_factory, "notebook-warehouse")
    with FileLock(str(folder / "build.lock")):
        if not (folder / "built").exists():
            _build_notebook_warehouse(demo_warehouse, folder / "warehouse.duckdb")
            (folder / "built").write_text("ok")
    return _describe(folder / "warehouse.duckdb", demo_warehouse.spec.end_date)


def _build_notebook_warehouse(demo_warehouse, database: Path) -> None:
    from lrreport.extract.loading import load_files
    from lrreport.warehouse.build import build

    folder = database.parent
    shutil.copyfile(demo_warehouse.database, database)
    settings = load_settings(env={}).with_database(database)
    end = demo_warehouse.spec.end_date

    con = duckdb.connect(str(database), read_only=True)
    shell = con.execute(
        "SELECT sender_code_id, phone_list_id, transactional_message_id FROM marts.dim_messages "
        "WHERE message_type = 'Order Confirmation' ORDER BY transactional_message_id LIMIT 1"
    ).fetchone()
    phone = con.execute(
        "SELECT min(phone_number) FROM marts.fct_sends WHERE accepted AND phone_number IS NOT NULL"
    ).fetchone()[0]
    con.close()
    assert shell is not None and phone, "the demo warehouse has no Order Confirmation shell or phone"

    send_log = folder / "hostile-sends.csv"
    content = (
        f"Order #LR9999999 update {HOSTILE} & <b>bold</b> \U0001f389 thanks for shopping with us, "
        "this message is long enough to need more than one UCS-2 segment."
    )
    with send_log.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["send_id", "sent_at", "sender_code_id", "phone_list_id", "transactional_message_id",
                         "phone_number", "message_content", "http_status", "resource_id", "error_code"])
        writer.writerow(["snd_hostile_0001", f"{end.isoformat()}T15:00:00Z", *shell, phone, content, 201,
                         "00000000-0000-4000-8000-000000000001", ""])
    loaded = load_files(settings, "sends", [str(send_log)])
    assert loaded.ok, loaded.status
    built = build(settings, show_progress=False)
    assert built.ok, built.tests.report() if built.tests else "build failed"


def _describe(database: Path, end: date) -> NotebookWarehouse:
    con = duckdb.connect(str(database), read_only=True)
    phones = {
        row[0]
        for row in con.execute(
            "SELECT phone_number FROM marts.fct_sends WHERE phone_number IS NOT NULL "
            "UNION SELECT phone_number FROM marts.fct_orders WHERE phone_number IS NOT NULL "
            "UNION SELECT phone_number FROM marts.fct_optouts WHERE phone_number IS NOT NULL"
        ).fetchall()
    }
    con.close()
    return NotebookWarehouse(database, end, frozenset(phones), "snd_hostile_0001")


@dataclass(frozen=True)
class Run:
    """One papermill execution: its parameters and the executed notebook (or the error text)."""

    name: str
    variant: str
    parameters: dict
    notebook: nbformat.NotebookNode | None
    error: str

    def outputs(self) -> list[dict]:
        assert self.notebook is not None, f"{self.name}/{self.variant} did not run:\n{self.error}"
        return [o for c in self.notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]

    def html(self) -> str:
        return "\n".join(o.get("data", {}).get("text/html", "") for o in self.outputs())

    def text(self) -> str:
        """Everything the outputs hold, every representation, as one string."""
        return json.dumps(self.outputs(), ensure_ascii=False)


def _execute(name: str, variant: str, parameters: dict, database: Path, out_dir: Path) -> Run:
    """Run ``notebooks/<name>.ipynb`` with papermill in a subprocess; the database comes from the env
    (as in JupyterLab with defaults) unless the parameters name it."""
    output = out_dir / f"{name}-{variant}.ipynb"
    env = {k: v for k, v in os.environ.items() if k != "LRREPORT_CONFIG"}
    env["LRREPORT_DATABASE"] = str(database)
    cmd = [sys.executable, "-m", "papermill", str(NOTEBOOKS / f"{name}.ipynb"), str(output),
           "-k", "python3", "--cwd", str(out_dir), "-y", json.dumps(parameters), "--no-progress-bar"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    notebook = nbformat.read(str(output), as_version=4) if output.exists() else None
    error = "" if proc.returncode == 0 else proc.stderr[-4000:]
    return Run(name, variant, parameters, notebook if proc.returncode == 0 else None, error)


@pytest.fixture(scope="session")
def runs(notebook_warehouse: NotebookWarehouse, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every notebook on the last week of demo data and on an empty date range (once per test run)."""
    out_dir = _shared_dir(tmp_path_factory, "executed-notebooks")
    end = notebook_warehouse.end
    week = {"start_date": (end - timedelta(days=6)).isoformat(), "end_date": end.isoformat()}
    empty = {"start_date": "2001-01-01", "end_date": "2001-01-31"}
    empty["database"] = str(notebook_warehouse.database)  # the parameter, not the environment
    jobs = [(name, "demo", dict(week)) for name in NAMES]
    jobs[1][2]["rows"] = 5000  # list every template so the hostile one is among them
    jobs += [(name, "empty", dict(empty)) for name in NAMES]
    with FileLock(str(out_dir / "run.lock")):
        done = out_dir / "runs.json"
        if not done.exists():
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = [pool.submit(_execute, n, v, p, notebook_warehouse.database, out_dir)
                           for n, v, p in jobs]
                results = [f.result() for f in futures]
            done.write_text(json.dumps([[r.name, r.variant, r.parameters, r.error] for r in results]))
    runs = {}
    for name, variant, parameters, error in json.loads(done.read_text()):
        output = out_dir / f"{name}-{variant}.ipynb"
        notebook = nbformat.read(str(output), as_version=4) if not error and output.exists() else None
        runs[(name, variant)] = Run(name, variant, parameters, notebook, error)
    return runs
