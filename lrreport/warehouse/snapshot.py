"""The published snapshot readers work on, so that no reader ever blocks a writer.

After each successful build, :func:`publish` copies what readers use (the marts and intermediate
models, ``staging.stg_sends``, ``meta.lr_builds``) into a new DuckDB file beside the warehouse and
then points readers at it by replacing a small JSON pointer atomically. The copy has the
warehouse's file name (in a folder of its own), so its catalog has the same name and SQL compiled
by dbt with qualified names (the attribution analysis) reads it unchanged. ``lrreport.connect()``,
reports and ``lrreport metrics`` open the file the pointer names, read-only: a load or a build never
waits for them, and they see one whole build, the one before or the new one, never a mix. The older
file is unlinked; a reader that still has it open keeps reading it until it closes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lrreport.config import Settings
from lrreport.sqlfiles import quote_identifier as _quote
from lrreport.sqlfiles import read_sql
from lrreport.warehouse.db import check_file, state_root
from lrreport.warehouse.errors import WarehouseError

SNAPSHOT_ALIAS = "lr_snapshot"


@dataclass(frozen=True)
class Snapshot:
    """A published copy of one build's marts."""

    path: Path
    published_at: datetime
    relations: int


def _folder(settings: Settings) -> Path:
    return state_root(settings) / "snapshots" / settings.database_path.name


def _pointer(settings: Settings) -> Path:
    return _folder(settings) / "current.json"


def publish(con: duckdb.DuckDBPyConnection, settings: Settings) -> Snapshot:
    """Copy the readers' relations of the warehouse open on ``con`` into a new snapshot and publish it.

    Runs while the build holds the writer lock, so no load lands between the marts and the send log.
    """
    folder = _folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    build_folder = f"{now:%Y%m%dT%H%M%S%f}-{os.getpid()}"
    name = f"{build_folder}/{settings.database_path.name}"
    target = folder / name
    target.parent.mkdir()
    relations = con.execute(read_sql("setup/snapshot_relations")).fetchall()
    con.execute(f"ATTACH '{str(target).replace(chr(39), chr(39) * 2)}' AS {SNAPSHOT_ALIAS}")
    try:
        for schema in sorted({schema for schema, _ in relations}):
            con.execute(f"CREATE SCHEMA {SNAPSHOT_ALIAS}.{_quote(schema)}")
        for schema, relation in relations:
            source = f"{_quote(schema)}.{_quote(relation)}"
            con.execute(f"CREATE TABLE {SNAPSHOT_ALIAS}.{source} AS SELECT * FROM {source}")
    except BaseException:
        con.execute(f"DETACH {SNAPSHOT_ALIAS}")
        shutil.rmtree(target.parent)
        raise
    con.execute(f"DETACH {SNAPSHOT_ALIAS}")
    pointer = _pointer(settings)
    record = {
        "file": name,
        "published_at": now.isoformat(),
        "relations": len(relations),
        "warehouse_inode": settings.database_path.stat().st_ino,
    }
    tmp = pointer.with_name(f".{pointer.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(record, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, pointer)  # readers that open from now on get the new file
    for old in folder.iterdir():
        if old.is_dir() and old.name != build_folder:
            shutil.rmtree(old, ignore_errors=True)  # open readers keep their copy until they close it
    return Snapshot(target, now, len(relations))


def current(settings: Settings) -> Path | None:
    """The published snapshot of this warehouse, or None when none was published for this very file.

    A snapshot names the file it was taken from (its inode): a warehouse replaced by a copy or a
    restore does not inherit the snapshot of the one before.
    """
    try:
        record = json.loads(_pointer(settings).read_text(encoding="utf-8"))
        inode = settings.database_path.stat().st_ino
    except (OSError, ValueError):
        return None
    if record.get("warehouse_inode") != inode:
        return None
    return _folder(settings) / record["file"]


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the published snapshot (None when there is none), session in UTC."""
    check_file(settings.database_path)
    for _ in range(5):  # a build may publish (and unlink the file named) between reading and opening
        path = current(settings)
        if path is None:
            return None
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException:
            if path.exists():
                raise WarehouseError(f"cannot open the published snapshot {path}") from None
            time.sleep(0.05)
            continue
        con.execute("SET TimeZone = 'UTC'")
        return con
    raise WarehouseError(f"the published snapshot of {settings.database_path} kept changing while opened")


def open_for_reading(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Readers' connection: the published snapshot, else (never built since snapshots) the file itself."""
    from lrreport.warehouse.db import connect

    con = open_published(settings)
    return con if con is not None else connect(settings, read_only=True)
