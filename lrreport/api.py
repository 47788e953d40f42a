"""The small Python API for analysts: a read-only warehouse connection set up for exploring the marts.

``lrreport.connect()`` opens the configured DuckDB file read-only with the session time zone set to the
business time zone (so TIMESTAMPTZ columns print as local times and agree with the marts' date columns),
the ``marts`` schema first on the search path, and a few settings exposed as DuckDB variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from lrreport.config import DEFAULT_CONFIG_NAME, ConfigError, Settings, load_settings

# Schemas searched for unqualified table names, in order: `FROM fct_sends` finds marts.fct_sends.
SEARCH_PATH = ("marts", "intermediate", "staging", "raw", "main")


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``lrreport.toml`` in ``start`` (default: the working directory) or a parent folder.

    A notebook opened in JupyterLab runs in ``notebooks/``; this finds the project's settings above it.
    """
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / DEFAULT_CONFIG_NAME
        if path.is_file():
            return path
    return None


def settings(
    database: str | os.PathLike[str] | None = None, config: str | os.PathLike[str] | None = None
) -> Settings:
    """The settings ``connect`` uses: ``config``, else LRREPORT_CONFIG, else the nearest lrreport.toml
    here or above; then ``database``, else LRREPORT_DATABASE, else the config's.

    A relative ``[warehouse] database`` from a config found above the working directory is read
    relative to that config's folder (where ``lrreport`` commands run from).
    """
    found = None if config or os.environ.get("LRREPORT_CONFIG") else find_config()
    cfg = load_settings(config or found)
    if found is not None and database is None and not os.environ.get("LRREPORT_DATABASE"):
        path = cfg.database_path
        if not path.is_absolute() and found.parent != Path.cwd().resolve():
            cfg = cfg.with_database(found.parent / path)
    return cfg.with_database(database)


def check_timezone(name: str) -> str:
    """Return ``name`` when it is an IANA time zone, else raise ConfigError naming it."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {name!r} is not an IANA time zone (e.g. 'America/New_York')") from None
    return name


def session_variables(cfg: Settings) -> dict[str, object]:
    """DuckDB variables ``connect`` sets (``getvariable('name')``)."""
    return {
        "business_timezone": cfg.business.timezone,
        "currency": cfg.business.currency,
        "latency_target_s": cfg.reports.latency_target_s,
    }


def connect(
    database: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    *,
    timezone: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse's published snapshot read-only for analysis, session time zone = business time zone.

    The snapshot is the last successful build's marts (plus ``staging.stg_sends`` and the build record),
    so holding the connection open never blocks a load or a build; reconnect to see a newer build. A
    warehouse not built since snapshots were introduced is opened itself until its next build.

    ``database`` defaults to LRREPORT_DATABASE or the config's ``[warehouse] database``; ``timezone``
    (default: ``[business] timezone``) only changes how timestamps display and cast, never the marts'
    ``day`` / ``*_date`` columns, which are always business-timezone dates.
    """
    from lrreport.warehouse.snapshot import open_for_reading

    cfg = settings(database, config)
    tz = check_timezone(timezone or cfg.business.timezone)
    con = open_for_reading(cfg)
    try:
        con.execute(f"SET TimeZone = '{tz}'")  # validated IANA name above; SET takes no parameters
        present = {row[0] for row in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
        path = [name for name in SEARCH_PATH if name in present]
        con.execute(f"SET search_path = '{','.join(path)}'")  # only schemas that exist (DuckDB insists)
        for name, value in session_variables(cfg).items():
            con.execute(f"SET VARIABLE {name} = ?", [value])
    except BaseException:
        con.close()
        raise
    return con
