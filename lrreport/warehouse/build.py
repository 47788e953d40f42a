"""``lrreport build`` and ``lrreport test``: the dbt project in ``queries/`` run in-process.

A thin shell over dbt (dbtRunner): the settings of ``lrreport.toml`` become dbt vars, a profile
pointing at the configured DuckDB file is written to the warehouse's state folder (beside it, in
``.lrreport/dbt/``, which also holds dbt's target and logs), progress comes from dbt's events, and
a failing model or data test becomes one message naming its file and the cause.

With ``[warehouse] engine = "spark"`` the same project runs on Spark over the lake (dbt-spark): an
in-process local Spark by default, or the user's own profile (a cluster, Databricks); the marts land
in the lake and DuckDB reads them from there (lrreport.lake.reader).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lrreport._exceptions import LrreportError
from lrreport.config import Settings
from lrreport.sqlfiles import queries_dir
from lrreport.warehouse.builds import latest_build

if TYPE_CHECKING:
    from lrreport.warehouse.snapshot import Snapshot

# The order columns a message type's trigger may name (messages.triggers values).
TRIGGER_COLUMNS = ("ordered_at", "shipped_at", "delivered_at")
WHAT_IF_ANALYSIS = "attribution_windows"
# dbt's error when an incremental model's columns differ from its stored table's (on_schema_change
# = fail): the table was built by another version of the models
COLUMNS_CHANGED = "schemas on this incremental model are out of sync"
NOT_NULL_TEST = "lr_not_null"  # one test per model for all its NOT NULL columns (macros/tests/)


class BuildError(LrreportError):
    """A model or data test failed, or the settings cannot be used by the models."""


@dataclass
class NodeResult:
    """One model or data test of a dbt invocation."""

    name: str
    kind: str  # model | test | ...
    path: str  # the file, relative to the project
    status: str  # success, error, pass, fail, skipped ...
    seconds: float
    message: str = ""
    failures: int = 0
    test: str = ""  # the generic test it is an instance of (lr_not_null, unique ...), if any
    sql: str = ""  # its compiled SELECT

    @property
    def ok(self) -> bool:
        return self.status in ("success", "pass")


@dataclass
class BuildResult:
    """What a build (or a test run) did, node by node."""

    nodes: list[NodeResult]
    seconds: float
    startup_s: float
    full_refresh: bool = False
    refreshed: tuple[str, ...] = ()  # models whose columns changed, which made this a full refresh
    rows: dict[str, int] = field(default_factory=dict)
    publish_s: float = 0.0  # publishing the snapshot readers see (after a good build)
    snapshot: Snapshot | None = None  # what was published (None: nothing)

    @property
    def models(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.kind == "model"]

    @property
    def tests(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.kind == "test"]

    @property
    def failed(self) -> list[NodeResult]:
        return [n for n in self.nodes if not n.ok and n.status != "skipped"]

    @property
    def skipped(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.status == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped

    def report(self) -> str:
        """One line per failing node (file and cause), then what was skipped because of it."""
        lines = []
        for node in self.failed:
            what = "data test" if node.kind == "test" else node.kind
            cause = node.message.strip().splitlines()
            if node.kind == "test" and node.failures:
                cause = [node.message if node.test == NOT_NULL_TEST else f"{node.failures} offending row(s)"]
            lines.append(f"{what} {node.name} failed ({project_path(node.path)}): {' '.join(cause)[:600]}")
        if self.skipped:
            lines.append("skipped after the failure: " + ", ".join(n.name for n in self.skipped))
        return "\n".join(lines)


def project_path(path: str) -> str:
    """A node's file as the user finds it: ``queries/models/marts/fct_sends.sql``."""
    return str(Path("queries") / path) if path else "queries"


def validate_settings(settings: Settings) -> None:
    """Reject settings the models cannot use, naming the setting."""
    for message_type, column in settings.messages.triggers.items():
        if column not in TRIGGER_COLUMNS:
            raise BuildError(
                f"{settings.source}: messages.triggers[{message_type!r}] = {column!r}: "
                f"the trigger must be one of {', '.join(TRIGGER_COLUMNS)}"
            )
    a = settings.attribution
    for name in ("click_window_days", "view_window_hours", "optout_window_hours"):
        if getattr(a, name) < 0:
            raise BuildError(f"{settings.source}: attribution.{name} must not be negative")


def dbt_vars(settings: Settings) -> dict[str, Any]:
    """The dbt vars of queries/dbt_project.yml, filled from the settings."""
    a = settings.attribution
    return {
        "timezone": settings.business.timezone,
        "currency": settings.business.currency,
        "optout_timezone": settings.extract.optout_timezone,
        "utm_source": a.utm_source,
        "utm_medium": a.utm_medium,
        "click_window_days": int(a.click_window_days),
        "view_window_hours": int(a.view_window_hours),
        "optout_window_hours": int(a.optout_window_hours),
        "campaign_map": dict(a.campaign_map),
        "message_types": dict(settings.messages.types),
        "triggers": dict(settings.messages.triggers),
    }


def on_spark(settings: Settings) -> bool:
    """Whether the models run on Spark over the lake (else on the DuckDB file)."""
    if settings.warehouse.engine != "spark":
        return False
    if not settings.warehouse.lake:
        raise BuildError(
            f"{settings.source}: warehouse.engine = 'spark' needs warehouse.lake (or --lake PATH)"
        )
    return True


def state_dir(settings: Settings) -> Path:
    """Where dbt's profile, target and logs live for this warehouse (beside the DuckDB file)."""
    from lrreport.warehouse.db import state_root

    return state_root(settings) / ("spark" if on_spark(settings) else "dbt") / settings.database_path.stem


def write_profile(settings: Settings) -> Path:
    """A profiles.yml for this warehouse (JSON is YAML); returns its folder.

    On Spark, the user's own profiles folder when one is configured, else a profile for the local
    in-process session.
    """
    folder = state_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    if on_spark(settings):
        if settings.warehouse.spark_profiles_dir:
            return Path(settings.warehouse.spark_profiles_dir).expanduser()
        from lrreport.lake.spark import SPARK_CONF

        spark = {"type": "spark", "method": "session", "host": "NA", "schema": "default", "threads": 1,
                 "server_side_parameters": SPARK_CONF}
        profile = {"lrreport": {"target": "spark", "outputs": {"spark": spark}}}
        (folder / "profiles.yml").write_text(json.dumps(profile, indent=2), encoding="utf-8")
        return folder
    duck: dict[str, Any] = {"TimeZone": "UTC"}
    if settings.warehouse.memory_limit:
        duck["memory_limit"] = settings.warehouse.memory_limit
    if settings.warehouse.threads:
        duck["threads"] = int(settings.warehouse.threads)
    output = {
        "type": "duckdb", "path": str(settings.database_path.resolve()), "threads": 1, "settings": duck,
        # a short reader of the file itself (`lrreport status`) can hold it a moment: wait 1+2+4+8+16 s
        "retries": {"connect_attempts": 6, "retryable_exceptions": ["IOException"]},
    }
    profile = {"lrreport": {"target": "duckdb", "outputs": {"duckdb": output}}}
    (folder / "profiles.yml").write_text(json.dumps(profile, indent=2), encoding="utf-8")
    return folder


def _args(settings: Settings, command: list[str], project: Path | None = None) -> list[str]:
    folder = write_profile(settings)
    variables = dbt_vars(settings)
    target: list[str] = []
    if on_spark(settings):
        from lrreport.lake.spark import lake_ddl

        lake = settings.warehouse.lake
        variables |= {"lake": lake_url(lake), "lake_tables": lake_ddl(lake)}
        if settings.warehouse.spark_target:
            target = ["--target", settings.warehouse.spark_target]
    return [
        *command,
        "--project-dir", str(project or queries_dir()),
        "--profiles-dir", str(folder),
        "--target-path", str(folder / "target"),
        "--log-path", str(folder / "logs"),
        *target,
        "--vars", json.dumps(variables),
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
        # lrreport reads dbt's results in-process: writing manifest.json and run_results.json (half
        # a second of start-up) serves nobody; compiled SQL and partial parsing are written anyway
        "--no-write-json",
        "--quiet",
        "--log-level", "none",
    ]


@contextmanager
def _dbt_environment() -> Iterator[None]:
    """No usage statistics, no network, whatever the user's own dbt settings say."""
    saved = {k: os.environ.get(k) for k in ("DBT_SEND_ANONYMOUS_USAGE_STATS", "DO_NOT_TRACK")}
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _closing_duckdb() -> Iterator[None]:
    """Close dbt-duckdb's in-process DuckDB instance afterwards, so lrreport can open the file again."""
    try:
        yield
    finally:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            if DuckDBConnectionManager._ENV is not None:
                DuckDBConnectionManager._ENV.close()
                DuckDBConnectionManager._ENV = None


Progress = Callable[[str, int, int], None]  # (node being built, nodes done, nodes in total)


class _Runner:
    """One dbt invocation: parse once, run a command, collect node results and progress."""

    def __init__(self, settings: Settings, progress: Progress | None, project: Path | None = None) -> None:
        self.settings = settings
        self.project = project
        self.manifest: Any = None
        self.progress = progress
        self.done = 0
        self.total = 0

    def _callback(self, event: Any) -> None:
        name = event.info.name
        if name == "NodeStart" and self.progress is not None:
            node = event.data.node_info
            self.progress(f"{node.resource_type} {node.node_name}", self.done, self.total)
        elif name == "NodeFinished":
            self.done += 1

    def invoke(self, command: list[str]) -> tuple[Any, float]:
        """Run ``dbt <command>``; returns dbt's result and the start-up seconds (import and parse)."""
        started = time.perf_counter()
        from dbt.cli.main import dbtRunner

        with _dbt_environment(), _closing_duckdb():
            if self.manifest is None:  # parsed once per runner, then reused by each command
                parsed = dbtRunner().invoke(_args(self.settings, ["parse"], self.project))
                if not parsed.success:
                    raise BuildError(f"queries/: the dbt project does not parse: {parsed.exception}")
                self.manifest = parsed.result
            nodes = self.manifest.nodes.values()
            self.done, self.total = 0, sum(1 for n in nodes if n.resource_type in ("model", "test"))
            startup = time.perf_counter() - started
            runner = dbtRunner(manifest=self.manifest, callbacks=[self._callback])
            result = runner.invoke(_args(self.settings, command, self.project))
        if result.exception is not None and result.result is None:
            raise BuildError(f"dbt {command[0]} failed: {result.exception}")
        return result, startup


def _nodes(result: Any) -> list[NodeResult]:
    nodes = []
    for r in result.result.results:
        node = r.node
        generic = getattr(node, "test_metadata", None)  # a generic test's name and arguments
        test, failures, message = generic.name if generic else "", int(r.failures or 0), r.message or ""
        if test == NOT_NULL_TEST and failures:  # its rows: one per column holding NULLs
            message = f"NULL in {failures} column(s)"
        nodes.append(
            NodeResult(
                name=node.name,
                kind=str(node.resource_type),
                path=node.original_file_path,
                status=str(r.status),
                seconds=float(r.execution_time or 0.0),
                message=message,
                failures=failures,
                test=test,
                sql=getattr(node, "compiled_code", None) or "",
            )
        )
    return nodes


def _columns_changed(nodes: list[NodeResult]) -> tuple[str, ...]:
    """The incremental models that failed because their columns differ from the stored table's."""
    return tuple(n.name for n in nodes if n.kind == "model" and not n.ok and COLUMNS_CHANGED in n.message)


def _name_null_columns(settings: Settings, nodes: list[NodeResult]) -> None:
    """A failing lr_not_null says which columns hold NULLs (on DuckDB; Spark's say how many): its
    rows are (column, rows), no data values."""
    failed = [n for n in nodes if n.test == NOT_NULL_TEST and n.failures and n.sql]
    if not failed or on_spark(settings):
        return
    from lrreport.warehouse.db import connect

    con = connect(settings, read_only=True)
    try:
        for node in failed:
            rows = sorted(con.execute(node.sql).fetchall())  # the test's own rows: (null_column, null_rows)
            node.message = "NULL in " + ", ".join(f"{c} ({n} row{'s' if n != 1 else ''})" for c, n in rows)
    finally:
        con.close()


def lake_url(lake: str) -> str:
    """The lake as Spark is given it: an absolute path when local, else the URL as configured."""
    return lake if "://" in lake else str(Path(lake).expanduser().resolve())


def last_build_ok(settings: Settings) -> bool:
    """Whether a build has ever finished well on this warehouse (else the next one starts afresh)."""
    from lrreport.warehouse.db import connect

    if on_spark(settings):
        from lrreport.lake.reader import lake_builds_ok

        return lake_builds_ok(settings)
    con = connect(settings, read_only=True)
    try:
        if latest_build(con) is None:
            return False
        return bool(con.execute("SELECT count(*) FROM meta.lr_builds WHERE status = 'ok'").fetchone()[0])
    finally:
        con.close()


def _mart_rows(con: Any, views: bool = False) -> dict[str, int]:
    """Rows per mart table (and per view too when ``views``: the reader's views over Spark's tables)."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
        "AND (table_type = 'BASE TABLE' OR ?) ORDER BY 1", [views]
    ).fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM marts."{n}"').fetchone()[0] for n in names}


def build(
    settings: Settings,
    select: str | None = None,
    *,
    full_refresh: bool = False,
    run_tests: bool = True,
    show_progress: bool | None = None,
    progress: Progress | None = None,
    project: Path | None = None,
) -> BuildResult:
    """Build the models (all, or dbt's ``--select``) and their data tests; incremental by default.

    The first build of a warehouse (no successful build recorded) is a full refresh. Raises
    BuildError for unusable settings; a failing model or test is in the result (``ok`` false).
    ``project`` is another copy of the dbt project (tests use it).
    """
    from lrreport.warehouse.db import require_warehouse, writer_lock

    validate_settings(settings)
    spark = on_spark(settings)
    if not spark:  # on Spark the raw tables are the lake's; no DuckDB file is needed
        require_warehouse(settings)  # before anything is written beside it
    with writer_lock(settings):  # no load lands between the models, nor between them and the snapshot
        return _build(settings, select, full_refresh, run_tests, show_progress, progress, project)


def _build(
    settings: Settings,
    select: str | None,
    full_refresh: bool,
    run_tests: bool,
    show_progress: bool | None,
    progress: Progress | None,
    project: Path | None,
) -> BuildResult:
    from lrreport.warehouse import snapshot
    from lrreport.warehouse.db import connect

    spark = on_spark(settings)
    if spark:
        _start_spark(settings)
    else:
        connect(settings).close()  # at the current schema version, raw and meta tables there for dbt
    full_refresh = full_refresh or not last_build_ok(settings)
    command = ["build" if run_tests else "run"]
    if select:
        command += ["--select", select]
    if full_refresh:
        command.append("--full-refresh")
    with _progress(show_progress, progress) as report:
        started = time.perf_counter()
        runner = _Runner(settings, report, project)
        if spark:
            _declare_lake(runner)
        result, startup = runner.invoke(command)
        nodes = _nodes(result)
        refreshed = () if full_refresh else _columns_changed(nodes)
        if refreshed:  # their stored rows cannot be kept: everything is rebuilt, as --full-refresh does
            full_refresh = True
            result, _ = runner.invoke([*command, "--full-refresh"])
            nodes = _nodes(result)
        _name_null_columns(settings, nodes)
        ok = all(n.ok for n in nodes)
        readable = settings
        if ok and spark:  # the reports read the marts with DuckDB, the analysis compiled for it too
            from lrreport.lake.reader import lake_reader

            readable = lake_reader(settings)
            runner = _Runner(readable, None, project)
        if ok:
            runner.invoke(["compile", "--select", WHAT_IF_ANALYSIS])
    out = BuildResult(nodes, time.perf_counter() - started, startup, full_refresh, refreshed)
    if ok:
        if spark:  # the marts stay in the lake; readers get a fresh DuckDB file of views over them
            con = connect(readable, read_only=True)
            try:
                out.rows = _mart_rows(con, views=True)
            finally:
                con.close()
        else:
            con = connect(settings)
            try:
                out.rows = _mart_rows(con)
                # readers now see this build
                built = [n.name for n in out.models]
                started = time.perf_counter()
                out.snapshot = snapshot.publish(con, settings, built)
                out.publish_s = time.perf_counter() - started
            finally:
                con.close()
    return out


def _declare_lake(runner: _Runner) -> None:
    """Declare the lake's tables to Spark's catalog in a dbt invocation of its own (macros/builds.sql)."""
    result, _ = runner.invoke(["run-operation", "lr_declare_lake"])
    if not result.success:
        cause = result.exception or result.result
        raise BuildError(f"the lake's tables cannot be declared to Spark: {cause}")


def _start_spark(settings: Settings) -> None:
    """Start the local Spark session, unless the user's profile names a cluster of its own."""
    if not settings.warehouse.spark_profiles_dir:
        from lrreport.lake.spark import local_session

        local_session(warehouse_dir=str(state_dir(settings) / "spark-warehouse"))


def test(
    settings: Settings,
    select: str | None = None,
    show_progress: bool | None = None,
    project: Path | None = None,
) -> BuildResult:
    """Run the data tests (all, or ``select``) against the built models, every row of them."""
    from lrreport.warehouse.db import connect, require_warehouse, writer_lock

    spark = on_spark(settings)
    if spark:
        _start_spark(settings)
    else:
        require_warehouse(settings)
    command = ["test"] + (["--select", select] if select else [])
    with writer_lock(settings), _progress(show_progress, None) as report:
        if not spark:
            connect(settings).close()  # a warehouse, at the current schema version
        started = time.perf_counter()
        runner = _Runner(settings, report, project)
        if spark:
            _declare_lake(runner)
        result, startup = runner.invoke(command)
        nodes = _nodes(result)
        _name_null_columns(settings, nodes)
    return BuildResult(nodes, time.perf_counter() - started, startup)


def what_if_sql(settings: Settings) -> str:
    """The compiled attribution analysis of the last build ($click_window_hours, $view_window_hours)."""
    compiled = state_dir(settings) / "target" / "compiled" / "lrreport" / "analyses"
    path = compiled / f"{WHAT_IF_ANALYSIS}.sql"
    if not path.is_file():
        raise BuildError(
            f"no compiled attribution analysis for {settings.database_path}: run `lrreport build` first"
        )
    return path.read_text(encoding="utf-8")


@contextmanager
def _progress(show: bool | None, given: Progress | None) -> Iterator[Progress | None]:
    if given is not None or not (sys.stderr.isatty() if show is None else show):
        yield given
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]build[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task("parsing the dbt project", total=None)

    def report(what: str, done: int, total: int) -> None:
        bar.update(task, description=what, completed=done, total=total)

    with bar:
        yield report
