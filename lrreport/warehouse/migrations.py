"""The warehouse's schema version and the migrations that bring an older file up to it.

A new warehouse is created in the current layout (the raw tables' declarations in
``queries/raw/*.yml``, and ``setup/meta_tables``) and recorded at :data:`SCHEMA_VERSION`. An older
one is upgraded when a writer opens it: every pending migration runs in one transaction with its
record in ``meta.lr_schema_migrations``, so a failure leaves the file as it was. A file recorded
at a version newer than this lrreport knows is refused. To change the layout: add
``queries/setup/migrations/NNN_what.sql``, list it in :data:`MIGRATIONS`, and change the raw
table's declaration / ``setup/meta_tables`` to the layout it leads to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from lrreport import __version__
from lrreport.sqlfiles import read_sql
from lrreport.warehouse.errors import WarehouseError
from lrreport.warehouse.raw_tables import raw_tables

# What a new warehouse is created from: the current layout of the raw and meta tables.
CREATE_SCRIPTS = ("setup/meta_tables",)
# The per-send SMS facts of raw.sends: a warehouse from before the version record without them is at
# version 1, with them at version 2 (migration 3 is idempotent, so it runs on those either way).
SENDS_FACTS = ("characters", "encoding", "segment_units", "segments", "has_link")


@dataclass(frozen=True)
class Migration:
    """One step of the schema: the SQL files (under ``queries/``) that take version - 1 to version."""

    version: int
    name: str
    scripts: tuple[str, ...]


# Version 1 is the first layout (raw and meta tables, raw.sends without the per-send facts).
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2, "raw.sends stores the per-send SMS facts", ("load/sms_macros", "setup/migrations/002_sends_facts")
    ),
    Migration(
        3, "raw.orders keeps the order name and the visit time", ("setup/migrations/003_orders_visits",)
    ),
    Migration(
        4, "meta.schedule_runs records the try and the mailing",
        ("setup/migrations/004_schedule_retries_and_mail",),
    ),
    Migration(5, "raw.orders keeps the cancellation time", ("setup/migrations/005_orders_cancelled_at",)),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


class SchemaVersionError(WarehouseError):
    """The file was written by a newer lrreport: this one must not change or misread it."""


def recorded_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of the open warehouse; None for a file without lrreport's tables.

    A warehouse from before the version record is dated by its layout (version 1 or 2).
    """
    tables = _tables(con)
    if "meta.lr_schema_migrations" in tables:
        version = con.execute(read_sql("setup/schema_version")).fetchone()[0]
        if version is not None:
            return int(version)
    if not tables - {"meta.lr_schema_migrations"}:
        return None
    columns = {row[0] for row in con.execute(read_sql("setup/sends_columns")).fetchall()}
    return 1 if columns and not columns >= set(SENDS_FACTS) else 2


def check_version(version: int | None, path: Path) -> None:
    """Raise SchemaVersionError when ``version`` is newer than this lrreport's."""
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path} has schema version {version}, newer than this lrreport {__version__} knows "
            f"({SCHEMA_VERSION}): it was written by a newer lrreport; upgrade lrreport to use it"
        )


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> list[Migration]:
    """Create or upgrade the raw and meta tables to SCHEMA_VERSION in one transaction.

    Returns the migrations applied (empty when the file was current or new). Idempotent.
    """
    version = recorded_version(con)
    check_version(version, path)
    if version == SCHEMA_VERSION and _created_tables() <= _tables(con):
        return []  # the common case, every writable open: current, and nothing to create
    pending = [m for m in MIGRATIONS if version is not None and m.version > version]
    con.begin()
    try:
        con.execute(read_sql("setup/schema_migrations"))
        for migration in pending:
            for script in migration.scripts:
                con.execute(read_sql(script))
            _record(con, migration.version, migration.name)
        for script in CREATE_SCRIPTS:  # IF NOT EXISTS: creates a new file's tables, and any added since
            con.execute(read_sql(script))
        for table in raw_tables().values():  # the declared raw tables (queries/raw/*.yml), likewise
            con.execute(table.ddl())
        if version is None:
            _record(con, SCHEMA_VERSION, "created")
        elif con.execute(read_sql("setup/schema_version")).fetchone()[0] is None:
            _record(con, version, "recorded the layout found")  # a file from before the version record
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return pending


@cache
def _created_tables() -> frozenset[str]:
    """Every table ``migrate`` creates: the declared raw tables and those of CREATE_SCRIPTS."""
    names = {table.table for table in raw_tables().values()}
    for script in CREATE_SCRIPTS:
        names.update(re.findall(r"CREATE TABLE IF NOT EXISTS\s+(\w+\.\w+)", read_sql(script), re.IGNORECASE))
    return frozenset(names)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(read_sql("setup/schema_tables")).fetchall()}


def _record(con: duckdb.DuckDBPyConnection, version: int, name: str) -> None:
    params = {"version": version, "name": name, "lrreport_version": __version__}
    con.execute(read_sql("setup/record_migration"), params)
