"""Open the DuckDB warehouse with the raw and meta schemas in place and the session in UTC."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lrreport._exceptions import LrreportError
from lrreport.config import Settings
from lrreport.sqlfiles import read_sql

SETUP_SCRIPTS = ("setup/raw_tables", "setup/meta_tables")
# The per-send SMS facts raw.sends stores since they are computed at load (ensure_schema adds them).
SENDS_FACTS = ("characters", "encoding", "segment_units", "segments", "has_link")


class WarehouseError(LrreportError):
    """The DuckDB file cannot be opened or is not an lrreport warehouse."""


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Connect to the configured DuckDB file; a writable connection creates missing tables.

    The session time zone is UTC so that TIMESTAMPTZ values print and convert the same everywhere;
    business dates are derived explicitly with the configured zone in the mart layer.
    """
    path: Path = settings.database_path
    if read_only and not path.exists():
        raise WarehouseError(
            f"DuckDB file {path} does not exist yet: load data first (lrreport load / extract), "
            "or point --database / LRREPORT_DATABASE at an existing warehouse"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str] = {}
    if settings.warehouse.memory_limit:
        config["memory_limit"] = settings.warehouse.memory_limit
    if settings.warehouse.threads:
        config["threads"] = str(settings.warehouse.threads)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open DuckDB file {path}: {exc}") from None
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and meta tables when missing, upgrading an older raw.sends (idempotent).

    A raw.sends from before the per-send SMS facts were stored at load (no ``characters``,
    ``encoding``, ``segment_units``, ``segments``, ``has_link``) is rebuilt in the current layout in
    one transaction: set aside, created anew, refilled with the facts computed from the stored
    content by the loader's own macros (``queries/load/sms_macros.sql``), the old table dropped.
    Nothing of it is kept when a step fails.
    """
    present = {row[0] for row in con.execute(read_sql("setup/sends_columns")).fetchall()}
    if present and not present >= set(SENDS_FACTS):
        con.begin()
        try:
            con.execute(read_sql("load/sms_macros"))
            con.execute(read_sql("setup/upgrade_sends_set_aside"))
            for name in SETUP_SCRIPTS:
                con.execute(read_sql(name))
            con.execute(read_sql("setup/upgrade_sends_facts"))
            con.commit()
        except BaseException:
            con.rollback()
            raise
    for name in SETUP_SCRIPTS:
        con.execute(read_sql(name))
    con.execute(read_sql("setup/upgrade_orders_visits"))
