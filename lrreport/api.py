"""The small Python API for analysts: a read-only warehouse connection set up for exploring the marts.

``lrreport.connect()`` opens the configured DuckDB file read-only with the session time zone set to the
business time zone (so TIMESTAMPTZ columns print as local times and agree with the marts' date columns),
the ``marts`` schema first on the search path, and a few settings exposed as DuckDB variables.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from lrreport.config import ConfigError, Settings, load_settings

# Schemas searched for unqualified table names, in order: `FROM fct_sends` finds marts.fct_sends.
SEARCH_PATH = ("marts", "intermediate", "staging", "raw", "main")


def settings(
    database: str | os.PathLike[str] | None = None, config: str | os.PathLike[str] | None = None
) -> Settings:
    """The settings ``connect`` uses: ``config`` (or LRREPORT_CONFIG / ./lrreport.toml), then ``database``."""
    return load_settings(config).with_database(database)


def check_timezone(name: str) -> str:
    """Return ``name`` when it is an IANA time zone, else raise ConfigError naming it."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {name!r} is not an IANA time zone (e.g. 'America/New_York')") from None
    return name


def session_variables(cfg: Settings) -> dict[str, object]:
    """DuckDB variables ``connect`` sets besides the models' ``lr_*`` ones (``getvariable('name')``)."""
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
    """Open the warehouse read-only for analysis, session time zone = business time zone.

    ``database`` defaults to LRREPORT_DATABASE or the config's ``[warehouse] database``; ``timezone``
    (default: ``[business] timezone``) only changes how timestamps display and cast, never the marts'
    ``day`` / ``*_date`` columns, which are always business-timezone dates.
    """
    from lrreport.warehouse.db import connect as open_warehouse
    from lrreport.warehouse.models import set_variables

    cfg = settings(database, config)
    tz = check_timezone(timezone or cfg.business.timezone)
    con = open_warehouse(cfg, read_only=True)
    try:
        con.execute(f"SET TimeZone = '{tz}'")  # validated IANA name above; SET takes no parameters
        present = {row[0] for row in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
        path = [name for name in SEARCH_PATH if name in present]
        con.execute(f"SET search_path = '{','.join(path)}'")  # only schemas that exist (DuckDB insists)
        set_variables(con, cfg)  # the models' lr_timezone, lr_click_window, ... so model SQL runs as is
        for name, value in session_variables(cfg).items():
            con.execute(f"SET VARIABLE {name} = ?", [value])
    except BaseException:
        con.close()
        raise
    return con
