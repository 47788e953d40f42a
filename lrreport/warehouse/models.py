"""The model runner: builds the SQL models under ``queries/`` into DuckDB tables, in dependency order.

A model is one ``.sql`` file holding one SELECT under ``queries/staging``, ``queries/intermediate``
or ``queries/marts``; it becomes a table (or a view, when its header says ``-- materialized: view``)
named after the file in the schema named after its folder. The order comes from the table
references in the SQL (parsed with sqlglot), never from a hand-kept list. Settings reach the SQL as
DuckDB variables (``getvariable('lr_...')``) and as small tables in the ``settings`` schema. A build
runs in one transaction: when a model fails, nothing of the build is visible.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from lrreport.config import Settings
from lrreport.sqlfiles import queries_dir
from lrreport.warehouse.db import connect

LAYERS = ("staging", "intermediate", "marts")
SOURCE_SCHEMAS = ("raw", "settings", "meta")
# The order columns a message type's trigger may name (messages.triggers values).
TRIGGER_COLUMNS = ("ordered_at", "shipped_at", "delivered_at")
_MATERIALIZED_RE = re.compile(r"^--\s*materialized:\s*(table|view)\s*$", re.MULTILINE | re.IGNORECASE)


class ModelError(Exception):
    """A model cannot be built (its file and DuckDB's message), or the model set is inconsistent."""


@dataclass(frozen=True)
class Model:
    """One model file: where it lives, what it reads, how it is materialised."""

    name: str
    layer: str
    path: Path
    sql: str
    materialized: str
    depends_on: frozenset[str]

    @property
    def relation(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def header(self) -> str:
        """The leading comment block: grain, key and purpose."""
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].strip())
        return "\n".join(lines)


@dataclass
class BuildResult:
    """What a build did: the models in the order built, seconds per model, and the data tests."""

    models: list[str]
    timings: dict[str, float]
    seconds: float
    tests: Any = None  # lrreport.warehouse.datatests.TestRun when tests ran
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.tests is None or self.tests.ok


def _references(sql: str, path: Path) -> set[tuple[str, str]]:
    """(schema, table) pairs the SQL reads, CTE names left out."""
    try:
        trees = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise ModelError(f"{path}: cannot parse the SQL: {exc}") from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        raise ModelError(f"{path}: a model file must hold exactly one SELECT statement")
    refs = set()
    for table in trees[0].find_all(exp.Table):
        if table.db:
            refs.add((table.db.lower(), table.name.lower()))
    return refs


def discover_models(root: Path | None = None) -> dict[str, Model]:
    """Every model under ``root`` (``queries/`` by default), keyed by name, with its dependencies."""
    root = root or queries_dir()
    found: dict[str, tuple[str, Path, str]] = {}
    for layer in LAYERS:
        for path in sorted((root / layer).glob("*.sql")):
            name = path.stem.lower()
            if name in found:
                raise ModelError(f"{path}: a model named {name} already exists in {found[name][1]}")
            found[name] = (layer, path, path.read_text(encoding="utf-8"))
    models: dict[str, Model] = {}
    for name, (layer, path, sql) in found.items():
        deps = set()
        for schema, table in _references(sql, path):
            if schema in LAYERS:
                if table not in found or found[table][0] != schema:
                    raise ModelError(f"{path}: reads {schema}.{table}, which is not a model")
                if LAYERS.index(schema) > LAYERS.index(layer):
                    raise ModelError(f"{path}: a {layer} model cannot read the later layer {schema}.{table}")
                deps.add(table)
            elif schema not in SOURCE_SCHEMAS and schema != "macros":
                raise ModelError(
                    f"{path}: reads {schema}.{table}; models read raw, settings or model schemas"
                )
        deps.discard(name)
        match = _MATERIALIZED_RE.search(sql)
        materialized = match.group(1).lower() if match else "table"
        if materialized == "view" and "getvariable(" in sql.lower():
            raise ModelError(
                f"{path}: a view cannot use getvariable() (the variables exist only while building); "
                "materialise it as a table"
            )
        models[name] = Model(name, layer, path, sql, materialized, frozenset(deps))
    return models


def build_order(models: dict[str, Model]) -> list[str]:
    """Model names so that each comes after everything it reads (ties broken by layer, then name)."""
    sorter = TopologicalSorter({name: m.depends_on for name, m in models.items()})
    try:
        sorter.prepare()
    except CycleError as exc:
        raise ModelError(f"models depend on each other in a cycle: {' -> '.join(exc.args[1])}") from None
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda n: (LAYERS.index(models[n].layer), n))
        order.extend(ready)
        sorter.done(*ready)
    return order


def select_models(models: dict[str, Model], select: str | None) -> list[str]:
    """The build order restricted to ``select``: ``NAME`` alone or ``NAME+`` with everything downstream."""
    order = build_order(models)
    if not select:
        return order
    name = select.strip().lower()
    downstream = name.endswith("+")
    name = name.rstrip("+").split(".")[-1]
    if name not in models:
        raise ModelError(f"no model named {name!r}; known: {', '.join(sorted(models))}")
    chosen = {name}
    if downstream:
        changed = True
        while changed:
            changed = False
            for other, model in models.items():
                if other not in chosen and model.depends_on & chosen:
                    chosen.add(other)
                    changed = True
    return [n for n in order if n in chosen]


def settings_variables(settings: Settings) -> dict[str, Any]:
    """The scalar settings the SQL reads with ``getvariable``: name -> value."""
    attribution = settings.attribution
    return {
        "lr_timezone": settings.business.timezone,
        "lr_optout_timezone": settings.extract.optout_timezone,
        "lr_click_window_days": int(attribution.click_window_days),
        "lr_view_window_hours": int(attribution.view_window_hours),
        "lr_optout_window_hours": int(attribution.optout_window_hours),
        "lr_utm_source": attribution.utm_source,
        "lr_utm_medium": attribution.utm_medium,
        "lr_order_id_regex": settings.load.order_id_regex,
        "lr_currency": settings.business.currency,
    }


def set_variables(con: duckdb.DuckDBPyConnection, settings: Settings, **overrides: Any) -> None:
    """``SET VARIABLE`` each setting on ``con`` (windows become INTERVALs), overrides applied."""
    values = settings_variables(settings) | overrides
    for name, value in values.items():
        if name.endswith("_days"):
            con.execute(f"SET VARIABLE {name[:-5]} = to_days(CAST(? AS INTEGER))", [value])
        elif name.endswith("_hours"):
            con.execute(f"SET VARIABLE {name[:-6]} = to_hours(CAST(? AS INTEGER))", [value])
        else:
            con.execute(f"SET VARIABLE {name} = CAST(? AS VARCHAR)", [value])


def validate_settings(settings: Settings) -> None:
    """Reject settings the models cannot use, naming the setting."""
    for message_type, column in settings.messages.triggers.items():
        if column not in TRIGGER_COLUMNS:
            raise ModelError(
                f"{settings.source}: messages.triggers[{message_type!r}] = {column!r}: "
                f"the trigger must be one of {', '.join(TRIGGER_COLUMNS)}"
            )
    a = settings.attribution
    for name in ("click_window_days", "view_window_hours", "optout_window_hours"):
        if getattr(a, name) < 0:
            raise ModelError(f"{settings.source}: attribution.{name} must not be negative")
    try:
        groups = re.compile(settings.load.order_id_regex).groups
    except re.error as exc:
        raise ModelError(
            f"{settings.source}: load.order_id_regex is not a regular expression: {exc}"
        ) from None
    if groups < 1:
        raise ModelError(
            f"{settings.source}: load.order_id_regex needs a capturing group around the order id"
        )


def settings_tables(settings: Settings) -> dict[str, pa.Table]:
    """The mapping settings as small tables for the ``settings`` schema (names matched in SQL)."""
    types = settings.messages.types
    triggers = settings.messages.triggers
    campaigns = settings.attribution.campaign_map
    return {
        "message_types": pa.table(
            {
                "shell_name": pa.array(list(types), pa.string()),
                "message_type": pa.array(list(types.values()), pa.string()),
            }
        ),
        "triggers": pa.table(
            {
                "message_type": pa.array(list(triggers), pa.string()),
                "trigger_column": pa.array(list(triggers.values()), pa.string()),
            }
        ),
        "campaign_map": pa.table(
            {
                "utm_campaign": pa.array(list(campaigns), pa.string()),
                "shell_name": pa.array(list(campaigns.values()), pa.string()),
            }
        ),
    }


def prepare_session(con: duckdb.DuckDBPyConnection, settings: Settings, root: Path | None = None) -> None:
    """Variables, macros and settings tables the models need (inside the caller's transaction)."""
    set_variables(con, settings)
    for path in sorted(((root or queries_dir()) / "macros").glob("*.sql")):
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise ModelError(f"{path}: {exc}") from None
    con.execute("CREATE SCHEMA IF NOT EXISTS settings")
    for name, table in settings_tables(settings).items():
        view = f"_lr_settings_{name}"
        con.register(view, table)
        try:
            con.execute(f"CREATE OR REPLACE TABLE settings.{name} AS SELECT * FROM {view}")
        finally:
            con.unregister(view)


def _progress(total: int, enabled: bool):  # noqa: ANN202 - rich types are optional here
    if not enabled:
        return None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]build[/bold] {task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
    )
    progress.start()
    progress.add_task("", total=total)
    return progress


def run_models(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    names: Iterable[str],
    models: dict[str, Model],
    show_progress: bool = False,
    root: Path | None = None,
) -> dict[str, float]:
    """Create each model in one transaction on ``con``; on failure roll back and raise ModelError."""
    names = list(names)
    timings: dict[str, float] = {}
    progress = _progress(len(names), show_progress)
    con.execute("BEGIN TRANSACTION")
    try:
        prepare_session(con, settings, root)
        for schema in LAYERS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for name in names:
            model = models[name]
            if progress is not None:
                progress.update(progress.task_ids[0], description=model.relation)
            started = time.perf_counter()
            kind = "VIEW" if model.materialized == "view" else "TABLE"
            exists = con.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                [model.layer, model.name],
            ).fetchone()
            if exists and (exists[0] == "VIEW") != (kind == "VIEW"):
                con.execute(f"DROP {'VIEW' if exists[0] == 'VIEW' else 'TABLE'} {model.relation}")
            try:
                con.execute(f"CREATE OR REPLACE {kind} {model.relation} AS\n{model.sql}")
            except duckdb.Error as exc:
                raise ModelError(f"{model.path}: {type(exc).__name__}: {exc}") from None
            timings[name] = time.perf_counter() - started
            if progress is not None:
                progress.advance(progress.task_ids[0])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        if progress is not None:
            progress.stop()
    return timings


def build(
    settings: Settings,
    select: str | None = None,
    *,
    run_tests: bool = True,
    con: duckdb.DuckDBPyConnection | None = None,
    show_progress: bool | None = None,
    root: Path | None = None,
) -> BuildResult:
    """Build the models (all, or ``select``: ``NAME`` / ``NAME+``) then run the data tests.

    The models are created in one transaction, so a failing model leaves the previous build in
    place. Data tests run after the commit; their result is in ``BuildResult.tests``. ``root``
    points at another ``queries/`` folder (tests use it).
    """
    from lrreport.warehouse.datatests import run_data_tests

    validate_settings(settings)
    models = discover_models(root)
    names = select_models(models, select)
    if show_progress is None:
        show_progress = sys.stdout.isatty()
    own = con is None
    con = con or connect(settings)
    try:
        started = time.perf_counter()
        timings = run_models(con, settings, names, models, show_progress=show_progress, root=root)
        seconds = time.perf_counter() - started
        tests = run_data_tests(con, settings) if run_tests else None
        rows = {
            name: con.execute(f"SELECT count(*) FROM {models[name].relation}").fetchone()[0]
            for name in names
            if models[name].layer == "marts"
        }
        return BuildResult(names, timings, seconds, tests, rows)
    finally:
        if own:
            con.close()


def attribution_with_windows(
    con: duckdb.DuckDBPyConnection, settings: Settings, click_window_days: int, view_window_hours: int
) -> pd.DataFrame:
    """``marts.fct_order_attribution``'s rows as they would be under other click / view windows.

    Runs the model's own SQL against the built warehouse (read-only connections work), so the
    notebook's what-if view and the mart can never drift apart.
    """
    if click_window_days < 0 or view_window_hours < 0:
        raise ValueError("attribution windows must not be negative")
    model = discover_models()["fct_order_attribution"]
    set_variables(
        con,
        settings,
        lr_click_window_days=int(click_window_days),
        lr_view_window_hours=int(view_window_hours),
    )
    try:
        sql = model.sql.strip().rstrip(";")
        return con.execute(f"SELECT * FROM (\n{sql}\n) ORDER BY order_id").df()
    finally:
        set_variables(con, settings)
