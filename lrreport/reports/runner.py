"""Run a notebook with papermill in a pinned kernel and publish it as a dated report folder.

``run_report`` validates parameters first (nothing runs on a bad one), executes with a per-cell
and a whole-run time limit, and writes ``<output>/<report>/<YYYY-MM-DD_HHMMSS>_<start>_<end>/``
(UTC timestamp) with the executed ``.ipynb``, ``<notebook>.html`` and ``report.json``. A failed
run goes to ``<output>/<report>/failed/...`` with the executed notebook and ``error.txt``; the
last good HTML (and ``latest.html``) are never touched by a failure.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nbformat
import papermill
from filelock import FileLock
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from traitlets import Any as AnyTrait

from lrreport._exceptions import LrreportError
from lrreport.config import Settings
from lrreport.reports import index as report_index
from lrreport.reports.export import PageInfo, render_html
from lrreport.reports.params import (
    NotebookInfo,
    ParameterError,
    ResolvedParameters,
    describe_range,
    read_notebook_info,
    validate_parameters,
)

_PACKAGE = Path(__file__).resolve().parent.parent
MANAGED_KERNEL = "lrreport"
ENGINE_NAME = "lrreport"
TIMEOUT_ENAME = "ReportTimeout"
KILL_GRACE_S = 30.0  # after the whole-run limit, a kernel that ignores interrupts is killed


class ReportFailed(LrreportError):
    """A report run failed; ``result`` has the kept notebook and the reason."""

    def __init__(self, result: ReportResult) -> None:
        super().__init__(result.error or "report failed")
        self.result = result


@dataclass(frozen=True)
class ReportResult:
    """Where a run's files are and how it went."""

    report: str  # folder name under the output dir: the notebook's or the schedule's name
    notebook: str
    status: str  # "ok" or "failed"
    folder: Path
    ipynb: Path
    html: Path | None
    start: date | None
    end: date | None
    timezone: str
    parameters: dict[str, Any]
    generated_at: datetime
    duration_s: float
    error: str | None = None
    failed_cell: int | None = None  # 1-based position in the source notebook
    schedule: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --- finding notebooks --------------------------------------------------------------------------


def notebooks_dir() -> Path:
    """``notebooks/`` of a source checkout, or the copy packed into an installed wheel."""
    for candidate in (_PACKAGE.parent / "notebooks", _PACKAGE / "_notebooks"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("lrreport's notebooks/ folder is missing from this installation")


def find_notebook(name: str, directory: Path | None = None) -> Path:
    """The notebook called ``name`` (or a path to an ``.ipynb``); a clear error lists the choices."""
    as_path = Path(name).expanduser()
    if name.endswith(".ipynb"):
        if as_path.is_file():
            return as_path.resolve()
        raise ParameterError(f"notebook file {as_path} does not exist")
    directory = directory or notebooks_dir()
    path = directory / f"{name}.ipynb"
    if path.is_file():
        return path.resolve()
    names = ", ".join(sorted(p.stem for p in directory.glob("*.ipynb"))) or "(none)"
    raise ParameterError(f"no notebook named {name!r} in {directory}; available: {names}")


def list_notebooks(directory: Path | None = None) -> list[NotebookInfo]:
    """Every notebook in the notebooks folder with its title and parameters."""
    directory = directory or notebooks_dir()
    return [read_notebook_info(p) for p in sorted(directory.glob("*.ipynb"))]


# --- the kernel ---------------------------------------------------------------------------------


def ensure_kernel(name: str = MANAGED_KERNEL) -> str:
    """Make sure kernelspec ``name`` exists; ``lrreport`` is (re)installed for this interpreter.

    The managed spec lives in ``sys.prefix`` (the virtualenv) and runs ``sys.executable``, so
    reports never depend on which ``python`` is first on PATH.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    def current() -> list[str] | None:
        try:
            return list(KernelSpecManager().get_kernel_spec(name).argv)
        except NoSuchKernel:
            return None

    argv = current()
    if name != MANAGED_KERNEL:
        if argv is None:
            raise ParameterError(
                f"kernel {name!r} (reports.kernel) is not installed; "
                f"set reports.kernel = {MANAGED_KERNEL!r} to let lrreport manage one"
            )
        return name
    if argv and argv[0] == sys.executable:
        return name
    from ipykernel.kernelspec import install

    lock_path = Path(tempfile.gettempdir()) / f"lrreport-kernelspec-{abs(hash(sys.prefix))}.lock"
    with FileLock(str(lock_path), timeout=120):
        argv = current()
        if not (argv and argv[0] == sys.executable):
            try:
                install(kernel_name=name, display_name="Python (lrreport)", prefix=sys.prefix)
            except OSError:  # sys.prefix not writable: the user's Jupyter folder
                install(kernel_name=name, display_name="Python (lrreport)", user=True)
    return name


# --- the engine: progress, time limits ----------------------------------------------------------


class Deadline:
    """Per-cell time limits that never run past the whole-run limit."""

    def __init__(self, cell_timeout_s: float, run_timeout_s: float) -> None:
        self.cell_timeout_s = cell_timeout_s
        self.run_timeout_s = run_timeout_s
        self.started = time.monotonic()
        self.limit_hit: str | None = None  # "cell" or "run" once a timeout fired
        self._current_limit = "cell"

    def remaining(self) -> float:
        return self.run_timeout_s - (time.monotonic() - self.started)

    def timeout_for(self, cell: Any) -> int:
        """nbclient's ``timeout_func``: the smaller of the cell limit and the run time left."""
        left = max(1, int(self.remaining()))
        if self.cell_timeout_s and self.cell_timeout_s <= left:
            self._current_limit = "cell"
            return max(1, int(self.cell_timeout_s))
        self._current_limit = "run"
        return left

    def fired(self) -> None:
        self.limit_hit = self._current_limit


class _Client(PapermillNotebookClient):
    deadline = AnyTrait(None)
    on_start = AnyTrait(None)
    ipc_dir = AnyTrait(None)

    def create_kernel_manager(self) -> Any:
        """Talk to the kernel over Unix sockets in a private folder instead of loopback TCP."""
        km = super().create_kernel_manager()
        if self.ipc_dir and os.name == "posix":
            km.transport = "ipc"
            km.ip = str(Path(self.ipc_dir) / "kernel")
        return km

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
        if self.deadline is not None:
            self.deadline.fired()
        return await super()._async_handle_timeout(timeout, cell)

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await super().async_start_new_kernel(**kwargs)
        if self.on_start is not None:
            self.on_start(self.km)


class _Engine(NBClientEngine):
    """papermill's nbclient engine plus a per-cell progress callback and time-limit bookkeeping."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        on_cell: Callable[[int, int], None] | None = kwargs.pop("lrreport_on_cell", None)
        kernel_log: Path | None = kwargs.pop("lrreport_kernel_log", None)
        if on_cell is not None:
            original = nb_man.cell_complete
            total = len(nb_man.nb.cells)

            def cell_complete(cell: Any, cell_index: int | None = None, **kw: Any) -> Any:
                out = original(cell, cell_index=cell_index, **kw)
                on_cell((cell_index or 0) + 1, total)
                return out

            nb_man.cell_complete = cell_complete
        kwargs.pop("input_path", None)
        with contextlib.ExitStack() as stack:
            ipc_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix=_owned(KERNEL_PREFIX)))
            launch: dict[str, Any] = {}
            if kernel_log is not None:  # the kernel's own stdout/stderr, kept for failure reports
                log_file = stack.enter_context(open(kernel_log, "ab"))  # noqa: SIM115
                launch = {"stdout": log_file, "stderr": log_file}
            return _Client(
                nb_man,
                kernel_name=kernel_name,
                startup_timeout=kwargs.pop("start_timeout", 60),
                log=papermill.log.logger,
                ipc_dir=ipc_dir,
                **kwargs,
            ).execute(**launch)


papermill_engines.register(ENGINE_NAME, _Engine)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernel's process, restoring them afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class _Watchdog:
    """Kills the kernel process if it is still running well after the whole-run limit."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.pid: int | None = None
        self.killed = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def kernel_started(self, km: Any) -> None:
        provisioner = getattr(km, "provisioner", None)
        self.pid = getattr(provisioner, "pid", None) or getattr(
            getattr(provisioner, "process", None), "pid", None
        )

    def _watch(self) -> None:
        if not self._done.wait(self.limit_s) and self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                self.killed = True

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)


# --- running ------------------------------------------------------------------------------------


@dataclass
class _Failure:
    message: str
    cell: int | None = None
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return "(empty cell)"


def _locate(source_nb: nbformat.NotebookNode, failing_source: str) -> int | None:
    for i, cell in enumerate(source_nb.cells, start=1):
        if cell.cell_type == "code" and cell.source == failing_source:
            return i
    return None


def _describe_failure(
    exc: BaseException, source_nb: nbformat.NotebookNode, deadline: Deadline, watchdog: _Watchdog
) -> _Failure:
    limits = (
        f"per-cell limit {deadline.cell_timeout_s:g} s (reports.cell_timeout_s)"
        if deadline.limit_hit == "cell"
        else f"whole-run limit {deadline.run_timeout_s:g} s (reports.run_timeout_s)"
    )
    if isinstance(exc, PapermillExecutionError):
        cell = _locate(source_nb, exc.source)
        where = f"cell {cell}" if cell else f"cell {exc.cell_index}"
        where += f" (`{_first_line(exc.source)}`)"
        if deadline.limit_hit:
            return _Failure(f"{where} ran past the {limits} and was interrupted", cell)
        detail = _strip_ansi("\n".join(exc.traceback or []))
        return _Failure(f"{where} failed: {exc.ename}: {exc.evalue}", cell, detail)
    if isinstance(exc, CellTimeoutError | DeadKernelError) or watchdog.killed:
        if deadline.limit_hit or watchdog.killed:
            return _Failure(f"the run passed the {limits}; the kernel was stopped")
        return _Failure(f"the kernel stopped responding: {type(exc).__name__}: {exc}")
    return _Failure(f"papermill could not run the notebook: {type(exc).__name__}: {exc}")


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _stamp(when: datetime) -> str:
    return when.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d_%H%M%S")


PARTIAL_PREFIX = ".partial-"
KERNEL_PREFIX = "lrreport-kernel-"  # the kernel's log file and its socket folder in the temp folder


def _owned(prefix: str) -> str:
    """The name prefix of this process's leftovers: ``.partial-pid123-``, ``lrreport-kernel-pid123-``."""
    return f"{prefix}pid{os.getpid()}-"


def _owner_pid(name: str, prefix: str) -> int | None:
    """The pid a leftover's name carries right after ``prefix`` (``.partial-pid123-...``), if any."""
    match = re.match(re.escape(prefix) + r"pid(\d+)-", name)
    return int(match[1]) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_leftovers(settings: Settings, report_dir: Path | None = None) -> list[Path]:
    """Delete what killed runs left: ``.partial-*`` folders in ``report_dir`` and the kernel logs and
    socket folders in the temp folder. A leftover is stale when the process named in it is gone, or
    when it is older than any run can last (twice ``reports.run_timeout_s``: the pid may be reused).
    """
    oldest = time.time() - 2 * settings.reports.run_timeout_s - KILL_GRACE_S
    places = [(Path(tempfile.gettempdir()), KERNEL_PREFIX)]
    if report_dir is not None:
        places.append((report_dir, PARTIAL_PREFIX))
    removed: list[Path] = []
    for folder, prefix in places:
        try:
            entries = [p for p in folder.iterdir() if p.name.startswith(prefix)]
        except OSError:
            continue
        for path in entries:
            pid = _owner_pid(path.name, prefix)
            try:
                old = path.lstat().st_mtime < oldest
            except OSError:
                continue
            if old or (pid is not None and pid != os.getpid() and not _alive(pid)):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):  # e.g. another user's file in a shared /tmp
                        path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _publish(work: Path, parent: Path, base: str) -> Path:
    """Rename the finished work folder to ``parent/base`` (``base-2``... if taken), atomically."""
    n = 1
    while True:
        candidate = parent / (base if n == 1 else f"{base}-{n}")
        if not candidate.exists():
            try:
                os.rename(work, candidate)  # fails if another run took the name meanwhile
                return candidate
            except OSError:
                if not candidate.exists():
                    raise
        n += 1


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")


def _atomic_copy(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


@dataclass(frozen=True)
class RunPlan:
    """A validated run: which notebook, which values; made before anything executes."""

    info: NotebookInfo
    resolved: ResolvedParameters
    report: str


class _NoUnknownParameterWarning(logging.Filter):
    """Drops papermill's "Passed unknown parameter" warning: its parameters-cell regex does not read
    annotations such as ``str | None`` and so warns for every such parameter, while plan_run has
    already refused any name the cell does not assign (with lrreport's own parser)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passed unknown parameter")


@contextlib.contextmanager
def _papermill_warnings_filtered() -> Iterator[None]:
    log = logging.getLogger("papermill")
    spurious = _NoUnknownParameterWarning()
    log.addFilter(spurious)
    try:
        yield
    finally:
        log.removeFilter(spurious)


def _check_warehouse(database: Path, info: NotebookInfo, values: dict[str, Any]) -> None:
    """Refuse before any run: marts that a failed or killed build left half rebuilt, and a message
    type or shell the warehouse does not know (its report would be empty and read "all sent")."""
    import duckdb

    from lrreport.reports import data
    from lrreport.reports.context import MESSAGE_PARAMETERS, unknown_message
    from lrreport.warehouse.builds import IncompleteBuildError, require_complete_build

    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return  # not openable now (e.g. a writer holds it): the notebook itself will say so
    try:
        require_complete_build(con, database)
        wanted = {
            name: values.get(name, param.default)
            for name in MESSAGE_PARAMETERS
            if (param := info.parameter(name)) is not None
        }
        if any(v is not None for v in wanted.values()):
            sender = values.get("sender_code_id")
            known = data.query(con, "reports/message_types", start=None, end=None, sender_code_id=sender)
            problem = unknown_message(known, wanted.get("message_type"), wanted.get("message_name"))
            if problem:
                scope = "" if sender is None else f" (sender code {sender})"
                raise ParameterError(f"{problem}{scope}")
    except (IncompleteBuildError, data.ReportDataError) as exc:
        raise ParameterError(str(exc)) from None
    finally:
        con.close()


def plan_run(
    settings: Settings,
    notebook: str,
    params: dict[str, Any] | None = None,
    *,
    report_name: str | None = None,
    notebook_dir: Path | None = None,
    now: datetime | None = None,
) -> RunPlan:
    """Validate everything a run needs (notebook, parameters, database file) without running it.

    Relative date words are resolved as of ``now`` (default: the current time) in the zone.
    """
    path = find_notebook(notebook, notebook_dir)
    info = read_notebook_info(path)
    given = dict(params or {})
    names = {p.name for p in info.parameters}
    if "database" in names and "database" not in given:
        given["database"] = str(settings.database_path.resolve())
    if "timezone" in names and "timezone" not in given:
        given["timezone"] = settings.business.timezone
    resolved = validate_parameters(info, given, default_timezone=settings.business.timezone, now=now)
    db = resolved.values.get("database")
    if db is not None and not Path(str(db)).expanduser().is_file():
        raise ParameterError(
            f"database {db} does not exist: load and build first, or pass --database / -p database=PATH"
        )
    if db is not None:
        _check_warehouse(Path(str(db)).expanduser(), info, resolved.values)
    return RunPlan(info=info, resolved=resolved, report=report_name or info.name)


def run_report(
    settings: Settings,
    notebook: str,
    params: dict[str, Any] | None = None,
    *,
    output_dir: Path | str | None = None,
    report_name: str | None = None,
    notebook_dir: Path | None = None,
    now: datetime | None = None,
    dates_as_of: datetime | None = None,
    schedule: str | None = None,
    check: bool = True,
    compress_plotly: bool = True,
    on_cell: Callable[[int, int], None] | None = None,
) -> ReportResult:
    """Validate, execute and publish one report; see the module docstring for the layout.

    ``now`` is the generation time (default: the clock); relative dates are resolved as of
    ``dates_as_of`` (default: ``now``), e.g. a schedule's cron slot. Raises ParameterError before
    running on bad input. A failed execution returns a failed result (``check=False``) or raises
    ReportFailed carrying it (``check=True``).
    """
    plan = plan_run(
        settings, notebook, params, report_name=report_name, notebook_dir=notebook_dir,
        now=dates_as_of or now,
    )  # fmt: skip
    kernel = ensure_kernel(settings.reports.kernel)
    out_root = Path(output_dir or settings.reports.output_dir).expanduser().resolve()
    report_dir = out_root / plan.report
    report_dir.mkdir(parents=True, exist_ok=True)
    generated_at = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo("UTC"))
    start, end = plan.resolved.start, plan.resolved.end
    base = _stamp(generated_at) + (f"_{start.isoformat()}_{end.isoformat()}" if start and end else "")
    remove_stale_leftovers(settings, report_dir)
    work = Path(tempfile.mkdtemp(prefix=f"{_owned(PARTIAL_PREFIX)}{base}-", dir=report_dir))
    work.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a published report is as readable as any file
    ipynb = work / f"{plan.info.name}.ipynb"
    log_fd, log_name = tempfile.mkstemp(prefix=_owned(KERNEL_PREFIX), suffix=".log")
    os.close(log_fd)
    kernel_log = Path(log_name)
    source_nb = nbformat.read(str(plan.info.path), as_version=4)

    env = {"LRREPORT_DATABASE": str(plan.resolved.values.get("database") or settings.database_path.resolve())}
    if settings.source and Path(settings.source).is_file():
        env["LRREPORT_CONFIG"] = str(Path(settings.source).resolve())
    deadline = Deadline(settings.reports.cell_timeout_s, settings.reports.run_timeout_s)
    watchdog = _Watchdog(settings.reports.run_timeout_s + KILL_GRACE_S)
    failure: _Failure | None = None
    t0 = time.monotonic()
    try:
        with _environment(env), watchdog, _papermill_warnings_filtered():
            papermill.execute_notebook(
                str(plan.info.path),
                str(ipynb),
                parameters=plan.resolved.values,
                engine_name=ENGINE_NAME,
                kernel_name=kernel,
                progress_bar=False,
                log_output=False,
                start_timeout=60,
                timeout_func=deadline.timeout_for,
                interrupt_on_timeout=True,
                error_on_timeout={
                    "ename": TIMEOUT_ENAME,
                    "evalue": "the cell ran past its time limit",
                    "traceback": [],
                },
                deadline=deadline,
                on_start=watchdog.kernel_started,
                lrreport_on_cell=on_cell,
                lrreport_kernel_log=kernel_log,
            )
    except Exception as exc:  # papermill, nbclient and kernel errors all end up here
        failure = _describe_failure(exc, source_nb, deadline, watchdog)
    except BaseException:  # Ctrl-C: leave no half-written folder behind
        shutil.rmtree(work, ignore_errors=True)
        kernel_log.unlink(missing_ok=True)
        raise
    duration = time.monotonic() - t0

    meta: dict[str, Any] = {
        "report": plan.report,
        "notebook": plan.info.name,
        "title": plan.info.title,
        "parameters": plan.resolved.values,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "timezone": plan.resolved.timezone,
        "generated_at": generated_at.isoformat(),
        "duration_s": round(duration, 2),
        "schedule": schedule,
        "ipynb": ipynb.name,
    }
    if failure is None:
        try:
            executed = nbformat.read(str(ipynb), as_version=4)
            range_words = describe_range(start, end) if start and end else ""
            page = PageInfo(
                title=f"{plan.info.title} — {range_words}" if range_words else plan.info.title,
                generated_at=generated_at,
                timezone=plan.resolved.timezone,
                footer=(
                    f"Report {plan.report} from notebook {plan.info.name}"
                    + (
                        f", {start.isoformat()} to {end.isoformat()} ({plan.resolved.timezone})"
                        if start
                        else ""
                    )
                    + "."
                ),
            )
            html = render_html(executed, page, compress_plotly=compress_plotly)
        except Exception as exc:  # a broken output must not publish half a page
            failure = _Failure(f"exporting the executed notebook to HTML failed: {type(exc).__name__}: {exc}")
    kernel_output = _tail(kernel_log)
    kernel_log.unlink(missing_ok=True)
    if failure is not None:
        if kernel_output:
            failure.detail += (
                ("\n\n" if failure.detail else "") + "kernel output (last lines):\n" + kernel_output
            )
        if not ipynb.exists():
            nbformat.write(source_nb, str(ipynb))
        meta.update(status="failed", error=failure.message, failed_cell=failure.cell, html=None)
        (work / "error.txt").write_text(
            failure.message + ("\n\n" + failure.detail if failure.detail else "") + "\n", encoding="utf-8"
        )
        _write_json(work / "report.json", meta)
        failed_dir = report_dir / "failed"
        failed_dir.mkdir(exist_ok=True)
        folder = _publish(work, failed_dir, base)
        result = ReportResult(
            report=plan.report, notebook=plan.info.name, status="failed", folder=folder,
            ipynb=folder / ipynb.name, html=None, start=start, end=end, timezone=plan.resolved.timezone,
            parameters=plan.resolved.values, generated_at=generated_at, duration_s=duration,
            error=failure.message, failed_cell=failure.cell, schedule=schedule,
        )  # fmt: skip
        if check:
            raise ReportFailed(result)
        return result

    html_name = f"{plan.info.name}.html"
    (work / html_name).write_text(html, encoding="utf-8")
    meta.update(status="ok", error=None, failed_cell=None, html=html_name)
    _write_json(work / "report.json", meta)
    folder = _publish(work, report_dir, base)
    _atomic_copy(folder / html_name, report_dir / "latest.html")
    report_index.write_index(out_root)
    return ReportResult(
        report=plan.report, notebook=plan.info.name, status="ok", folder=folder, ipynb=folder / ipynb.name,
        html=folder / html_name, start=start, end=end, timezone=plan.resolved.timezone,
        parameters=plan.resolved.values, generated_at=generated_at, duration_s=duration, schedule=schedule,
    )  # fmt: skip
